namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>
/// Rows with their pending versions: a write becomes visible to reads only at its own <c>visibleAt</c>
/// (replica lag), while <see cref="Current"/> is the primary's truth. Not thread-safe: the tenant's lock guards it.
/// </summary>
/// <typeparam name="T">The row type; <see langword="null"/> versions are deletions.</typeparam>
internal sealed class VersionedTable<T>
    where T : class
{
    private readonly Dictionary<long, List<(T? Value, DateTimeOffset VisibleAt)>> _rows = [];
    private long _writes;
    private Listing? _listing;

    /// <summary>The ids that have, or had, a row.</summary>
    public IEnumerable<long> Ids => _rows.Keys;

    /// <summary>Records a write (or a deletion, with <see langword="null"/>) that reads see from <paramref name="visibleAt"/> on.</summary>
    public void Write(long id, T? value, DateTimeOffset visibleAt)
    {
        if (!_rows.TryGetValue(id, out var versions))
        {
            _rows[id] = versions = [];
        }

        versions.Add((value, visibleAt));
        _writes++;
    }

    /// <summary>The latest written version: what the primary holds.</summary>
    public T? Current(long id) => _rows.TryGetValue(id, out var versions) ? versions[^1].Value : null;

    /// <summary>Every row the primary holds.</summary>
    public IEnumerable<T> CurrentRows() => _rows.Values.Select(v => v[^1].Value).OfType<T>();

    /// <summary>
    /// What a replica shows at <paramref name="now"/>: the latest written version that is visible. A row never
    /// goes back to an older version once a newer one showed, even if the older one's lag was longer.
    /// </summary>
    public T? Visible(long id, DateTimeOffset now) =>
        _rows.TryGetValue(id, out var versions) ? VisibleVersion(versions, now) : null;

    /// <summary>Every row a replica shows at <paramref name="now"/>.</summary>
    public IEnumerable<T> VisibleRows(DateTimeOffset now)
    {
        foreach (var versions in _rows.Values)
        {
            if (VisibleVersion(versions, now) is { } value)
            {
                yield return value;
            }
        }
    }

    /// <summary>
    /// Every row a replica shows at <paramref name="now"/>, ordered by <paramref name="order"/>. Lists read this on
    /// every request, so it is kept until a write or a pending version showing can change it: sorting every row per
    /// request would make the simulator, not the client under test, the cost of paging.
    /// </summary>
    public IReadOnlyList<T> Listed<TKey>(DateTimeOffset now, Func<T, TKey> order)
    {
        if (_listing is { } listing && listing.Writes == _writes && now < listing.Until)
        {
            return listing.Rows;
        }

        var rows = new List<T>(_rows.Count);
        var until = DateTimeOffset.MaxValue;
        foreach (var versions in _rows.Values)
        {
            if (VisibleVersion(versions, now) is { } value)
            {
                rows.Add(value);
            }

            foreach (var (_, visibleAt) in versions)
            {
                if (visibleAt > now && visibleAt < until)
                {
                    until = visibleAt;
                }
            }
        }

        var ordered = rows.OrderBy(order).ToArray();
        _listing = new Listing(ordered, _writes, until);
        return ordered;
    }

    private static T? VisibleVersion(List<(T? Value, DateTimeOffset VisibleAt)> versions, DateTimeOffset now)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (versions[i].VisibleAt <= now)
            {
                // Older versions can never show again.
                if (i > 0)
                {
                    versions.RemoveRange(0, i);
                }

                return versions[0].Value;
            }
        }

        return null;
    }

    /// <summary>An ordered listing, valid while no write was made and until the first pending version shows.</summary>
    private sealed record Listing(IReadOnlyList<T> Rows, long Writes, DateTimeOffset Until);
}
