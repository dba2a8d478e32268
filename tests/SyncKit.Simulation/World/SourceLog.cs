namespace SyncKit.Simulation.World;

/// <summary>How the simulated source exposes its changes.</summary>
internal enum SourceShape
{
    /// <summary>A table polled by <c>(updated_at, key)</c>: a row shows only its latest committed version.</summary>
    Table,

    /// <summary>A change log polled by <c>(changed_at, sequence)</c>: every committed version stays readable.</summary>
    ChangeLog,
}

/// <summary>
/// The simulated source system: every version ever committed, with the instant it was stamped and the instant it
/// became visible (a late commit is visible after its stamp). It outlives crashes of the syncing process.
/// </summary>
internal sealed class SourceLog(SourceShape shape)
{
    private readonly List<SourceVersion> _versions = [];
    private readonly Dictionary<string, List<SourceVersion>> _byKey = new(StringComparer.Ordinal);

    public SourceShape Shape { get; } = shape;

    public IReadOnlyList<SourceVersion> Versions => _versions;

    public IEnumerable<string> Keys => _byKey.Keys;

    public SourceVersion Add(string key, DateTimeOffset stampedAt, DateTimeOffset visibleAt, bool deleted, bool poison)
    {
        if (!_byKey.TryGetValue(key, out var versions))
        {
            versions = [];
            _byKey.Add(key, versions);
        }

        // A table's row has one position per version: an update stamped in the same tick as the one before would be
        // indistinguishable from it (a real table stamps them apart, or commits only the last of one transaction).
        if (Shape == SourceShape.Table && versions.Count > 0 && versions[^1].Position.Timestamp == stampedAt)
        {
            stampedAt = stampedAt.AddTicks(1);
            visibleAt = visibleAt < stampedAt ? stampedAt : visibleAt;
        }

        var sequence = _versions.Count + 1;
        var version = new SourceVersion(
            new SimRecord(key, versions.Count + 1, deleted, sequence, poison),
            Shape == SourceShape.Table ? Cursor.At(stampedAt, key) : Cursor.At(stampedAt, sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            visibleAt);
        versions.Add(version);
        _versions.Add(version);
        return version;
    }

    /// <summary>
    /// Whether <paramref name="version"/> is stamped behind an older version of its key: a transaction stamped at its
    /// start overwrote a version stamped (and committed) after that start, so the key's positions go backwards. No
    /// rule that orders a key's versions by position can tell it is the newer one; only a source that reads below
    /// its visibility horizon never shows the older version first.
    /// </summary>
    public bool IsStampedBehindAnOlderVersion(SourceVersion version) =>
        _byKey[version.Key].Any(v => v.Record.Version < version.Record.Version && v.Position.CompareTo(version.Position) > 0);

    /// <summary>The latest version of a key visible at <paramref name="now"/>, if any.</summary>
    public SourceVersion? LatestVisible(string key, DateTimeOffset now) =>
        _byKey.TryGetValue(key, out var versions) ? LatestVisible(versions, now) : null;

    private static SourceVersion? LatestVisible(List<SourceVersion> versions, DateTimeOffset now)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].VisibleAt <= now)
            {
                return versions[i];
            }
        }

        return null;
    }

    /// <summary>The latest version of a key, visible or not.</summary>
    public SourceVersion Latest(string key) => _byKey[key][^1];

    /// <summary>What a reader sees at <paramref name="now"/>: a table's current rows, or every visible version of a change log; in position order.</summary>
    public List<SourceVersion> Visible(DateTimeOffset now)
    {
        var visible = Shape == SourceShape.Table
            ? _byKey.Values.Select(versions => LatestVisible(versions, now)).OfType<SourceVersion>().ToList()
            : _versions.Where(v => v.VisibleAt <= now).ToList();
        visible.Sort((a, b) => a.Position.CompareTo(b.Position));
        return visible;
    }
}

/// <summary>One committed version at the source.</summary>
/// <param name="Record">The record the engine reads.</param>
/// <param name="Position">Its position in the source's order.</param>
/// <param name="VisibleAt">When its transaction committed: readers see it from then on.</param>
internal sealed record SourceVersion(SimRecord Record, Cursor Position, DateTimeOffset VisibleAt)
{
    public string Key => Record.Key;

    public SourceRecord<SimRecord> ToSourceRecord() => new(Record.Key, Position, Record);
}
