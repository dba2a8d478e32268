namespace SyncKit.Engine.Internal;

/// <summary>
/// What one run reads, where it writes and what it may change. A regular run reads the job's source after
/// the checkpoint, re-drives due dead letters and moves the checkpoint. Other kinds read the given source
/// (a window, a list of records) from its start and never touch the checkpoint; a replay stores nothing at all.
/// </summary>
internal sealed record RunRequest<T>(RunKind Kind, ISource<T> Source, IDestination<T> Destination)
{
    /// <summary>The window the run covers, recorded as its cursors; regular runs record checkpoints instead.</summary>
    public (Cursor From, Cursor To)? Window { get; init; }

    /// <summary>The run record's report (an operator action's who and why).</summary>
    public string? Report { get; init; }

    /// <summary>Dead letters an operator asked to retry, as read: made due (parked ones too) before the re-drive lists the due ones.</summary>
    public IReadOnlyList<DeadLetter> DueNow { get; init; } = [];

    public bool MovesCheckpoint => Kind == RunKind.Sync;

    public bool RedrivesDeadLetters => Kind is RunKind.Sync or RunKind.DeadLetterRetry;

    /// <summary>Whether the run may write to the state store: run record, dead letters, audit, checkpoint.</summary>
    public bool WritesState => Kind != RunKind.Replay;

    /// <summary>Where the run starts, for its start log: the checkpoint it resumes from, its window's start, or neither.</summary>
    public string DescribeStart(Cursor? checkpoint) => MovesCheckpoint
        ? checkpoint?.ToString() ?? "the beginning (no checkpoint yet)"
        : Window is { } window ? window.From.ToString() : "no cursor (it leaves the checkpoint alone)";

    public static RunRequest<T> Sync(SyncJob<T> job) => new(RunKind.Sync, job.Source, job.Destination);
}
