namespace SyncKit.Simulation;

/// <summary>What an operation in flight is: a scheduled run or one of the operator's actions racing it.</summary>
internal enum OperationKind
{
    Sync,
    Retry,
    Discard,
    Reset,
    Backfill,
    Replay,
}

/// <summary>A run or operator action in flight in one life of the process.</summary>
internal sealed class Operation(int id, OperationKind kind, Life life, Task<RunRecord> task, CancellationTokenSource? stop = null, SyncRunProbe? probe = null)
{
    public int Id { get; } = id;

    public OperationKind Kind { get; } = kind;

    public Life Life { get; } = life;

    public Task<RunRecord> Task { get; } = task;

    /// <summary>Asks a sync run for a graceful stop.</summary>
    public CancellationTokenSource? Stop { get; } = stop;

    /// <summary>What the world saw a sync run read.</summary>
    public SyncRunProbe? Probe { get; } = probe;

    public override string ToString() => $"{Kind} #{Id}";
}
