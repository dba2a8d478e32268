namespace SyncKit;

/// <summary>
/// What a health check reads of one job: its checkpoint, its latest runs of the kinds that matter, its run counts over
/// the error budget's window and its dead-letter queue. <see cref="ISyncStateStore.ReadHealthInputsAsync"/> reads them
/// for many jobs at once.
/// </summary>
/// <param name="Job">The job.</param>
public sealed record JobHealthInputs(JobId Job)
{
    /// <summary>The job's checkpoint, or <see langword="null"/> when it has none.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public Cursor? Checkpoint { get; init; }

    /// <summary>The latest <see cref="RunKind.Sync"/> run, whatever its outcome.</summary>
    /// <value>Default <see langword="null"/>: the job has no regular run.</value>
    public RunSummary? LatestSync { get; init; }

    /// <summary>
    /// The latest <see cref="RunKind.Sync"/> run that finished its work: <see cref="RunOutcome.Succeeded"/> or
    /// <see cref="RunOutcome.CompletedWithDeadLetters"/>.
    /// </summary>
    /// <value>Default <see langword="null"/>: no regular run has finished its work.</value>
    public RunSummary? LatestSuccess { get; init; }

    /// <summary>The latest <see cref="RunKind.IncrementalReconciliation"/> pass, with its report.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public RunSummary? LatestIncrementalReconciliation { get; init; }

    /// <summary>The latest <see cref="RunKind.FullReconciliation"/> pass, with its report.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public RunSummary? LatestFullReconciliation { get; init; }

    /// <summary>
    /// The summed counts per kind of the runs that started at or after the window's start (as
    /// <see cref="IRunHistoryStore.SumCountsByKindAsync"/> answers it); kinds with no such run are absent.
    /// </summary>
    /// <value>Default empty.</value>
    public IReadOnlyDictionary<RunKind, RunCounts> WindowCounts { get; init; } = new Dictionary<RunKind, RunCounts>();

    /// <summary>How many dead letters the job has, parked ones included.</summary>
    /// <value>Default 0.</value>
    public int DeadLetters { get; init; }

    /// <summary>Whether any of the job's dead letters is parked.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool HasParkedDeadLetters { get; init; }
}
