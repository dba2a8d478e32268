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

/// <summary>The fields of a run that a health check reads: less than a <see cref="RunRecord"/>, so stores read fewer columns.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Kind">What the run did.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; <see langword="null"/> while running.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Error">Why it failed or stopped, when it did.</param>
/// <param name="Report">Its JSON report (<see cref="RunRecord.Report"/>), kept for reconciliation passes.</param>
public sealed record RunSummary(string RunId, RunKind Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunOutcome Outcome, string? Error, string? Report)
{
    /// <summary>The source's visibility horizon as of the run's last page (<see cref="RunRecord.Horizon"/>).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public SourceHorizon? Horizon { get; init; }

    /// <summary>The summary of a whole run record.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The summary.</returns>
    public static RunSummary Of(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.RunId, run.Kind, run.StartedAt, run.EndedAt, run.Outcome, run.Error, run.Report) { Horizon = run.Horizon };
    }
}
