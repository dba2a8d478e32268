namespace SyncKit.Simulation.World;

/// <summary>
/// What the simulated world saw happen, kept across crashes: which versions polling promised to handle,
/// every delivery, every side effect, and what operators chose to drop. The checks judge the engine against it.
/// </summary>
internal sealed class Observations
{
    private readonly Dictionary<long, Cursor?> _promised = [];
    private readonly Dictionary<string, RunDeliveries> _byRun = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<DedupStatus>> _effects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cursor> _waived = new(StringComparer.Ordinal);

    /// <summary>The checkpoint the store held when the driver last looked (nothing commits between its looks and a page).</summary>
    public Cursor? Checkpoint { get; set; }

    public long Deliveries { get; private set; }

    /// <summary>Side effects that may have been performed twice because a process died between performing and completing.</summary>
    public int CrashWindows { get; set; }

    public IReadOnlyDictionary<string, List<DedupStatus>> Effects => _effects;

    /// <summary>Notes a version a sync run's page returned: the run handles it before its checkpoint moves on.</summary>
    public void Read(SourceVersion version, SyncRunProbe? run)
    {
        run?.Saw(version.Position);
        _promised[version.Record.Sequence] = Checkpoint;
    }

    /// <summary>
    /// Notes what a sync run's first page promises: the run reads on from where it starts until the source has no more,
    /// so it reads every version visible after its start now, and handles each before its checkpoint moves on.
    /// </summary>
    public void Started(IEnumerable<SourceVersion> visibleAfterStart)
    {
        foreach (var version in visibleAfterStart)
        {
            _promised[version.Record.Sequence] = Checkpoint;
        }
    }

    /// <summary>
    /// Whether the checkpoint <paramref name="now"/> may only be where it is if the version was handled: a run read it, or
    /// started before it while it was visible, and the checkpoint has moved on from where it stood then. (While it has
    /// not, a version read again inside the lookback may sit behind it unhandled: the next run reads it again.)
    /// </summary>
    public bool IsOwed(SourceVersion version, Cursor now) =>
        _promised.TryGetValue(version.Record.Sequence, out var then) && (then is null || now.CompareTo(then) > 0);

    public void Delivered(string runId) => Deliveries++;

    public RunDeliveries Of(string runId) =>
        _byRun.TryGetValue(runId, out var deliveries) ? deliveries : _byRun[runId] = new RunDeliveries();

    public bool Touched(string runId) => _byRun.ContainsKey(runId);

    public void Performed(string key, DedupStatus status)
    {
        if (!_effects.TryGetValue(key, out var statuses))
        {
            _effects[key] = statuses = [];
        }

        statuses.Add(status);
    }

    /// <summary>An operator discarded the dead letter of <paramref name="key"/> at <paramref name="position"/>: versions up to it are given up.</summary>
    public void Waive(string key, Cursor position)
    {
        if (!_waived.TryGetValue(key, out var waived) || position.CompareTo(waived) > 0)
        {
            _waived[key] = position;
        }
    }

    public bool IsWaived(SourceVersion version) =>
        _waived.TryGetValue(version.Key, out var waived) && version.Position.CompareTo(waived) <= 0;
}

/// <summary>The outcomes a destination returned to one run, counted only for batches whose answer the engine could accept.</summary>
internal sealed class RunDeliveries
{
    public long Written { get; set; }

    public long Skipped { get; set; }

    public long Deduplicated { get; set; }

    public long Delivered { get; set; }
}
