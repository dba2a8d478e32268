namespace SyncKit;

/// <summary>Keeps a record of every run and, optionally, what each run did to each record.</summary>
public interface IRunHistoryStore
{
    /// <summary>Inserts or replaces a run record (a run is saved when it starts and again when it ends).</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is written.</returns>
    ValueTask SaveRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>Reads one run.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Lists runs matching a query, newest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Sums the counts of the runs matching a query, per kind, without reading the runs themselves: what a health
    /// check needs over a window of a busy job's history. <see cref="RunQuery.Limit"/> does not apply: every
    /// matching run counts. Kinds with no matching run are absent.
    /// </summary>
    /// <remarks>
    /// The default reads the matching runs through <see cref="QueryRunsAsync"/> and adds them up; stores override it
    /// with one aggregate query.
    /// </remarks>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The summed counts of each kind that has matching runs.</returns>
    async ValueTask<IReadOnlyDictionary<RunKind, RunCounts>> SumCountsByKindAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var runs = await QueryRunsAsync(query with { Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
        return RunCounts.SumByKind(runs);
    }

    /// <summary>Appends audit entries.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are written.</returns>
    ValueTask AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>Lists the audit entries of one record of a job, oldest first: "which runs touched record X".</summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKey">The record's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<AuditEntry>> GetAuditAsync(JobId job, string recordKey, CancellationToken cancellationToken);

    /// <summary>
    /// Lists one page of the audit entries a run wrote, in the order they were appended: a run's whole audit trail,
    /// however many records it touched, read page by page.
    /// </summary>
    /// <param name="query">The run and the page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, with where the next one starts.</returns>
    ValueTask<RunAuditPage> GetRunAuditAsync(RunAuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes runs that ended before an instant, with their audit entries.</summary>
    /// <param name="endedBefore">The retention limit.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many runs were deleted.</returns>
    ValueTask<int> PurgeAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken);
}

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>Still running (or the process died while it ran).</summary>
    Running,

    /// <summary>Every record read was written, skipped or deduplicated.</summary>
    Succeeded,

    /// <summary>The run finished but dead-lettered some records.</summary>
    CompletedWithDeadLetters,

    /// <summary>The run failed (retries exhausted, breaker open, store error); the checkpoint stayed at the last durable position.</summary>
    Failed,

    /// <summary>An authentication or authorization failure stopped the job; an operator must act.</summary>
    Stopped,

    /// <summary>The host shut down; what finished was committed.</summary>
    Cancelled,

    /// <summary>
    /// A reconciliation pass finished but left gaps open that a repair did not close (the destination kept another
    /// version); its <see cref="ReconciliationReport.UnrepairedKeys"/> names them, and an operator must act.
    /// </summary>
    CompletedWithUnrepairedGaps,
}

/// <summary>What a run did. Stores keep it with the run so history can be filtered by it.</summary>
public enum RunKind
{
    /// <summary>A regular run: reads after the checkpoint and moves it.</summary>
    Sync,

    /// <summary>A window re-synced through the real destination; the checkpoint is not touched.</summary>
    Backfill,

    /// <summary>A dry run over a past window against a recording destination. Never stored: it writes nothing.</summary>
    Replay,

    /// <summary>Records a reconciliation pass found missing or stale, re-processed through the engine; the checkpoint is not touched.</summary>
    Repair,

    /// <summary>An incremental reconciliation pass; <see cref="RunRecord.Report"/> holds its report.</summary>
    IncrementalReconciliation,

    /// <summary>A full reconciliation pass; <see cref="RunRecord.Report"/> holds its report.</summary>
    FullReconciliation,

    /// <summary>Dead letters re-driven now at an operator's request.</summary>
    DeadLetterRetry,

    /// <summary>Dead letters discarded by an operator.</summary>
    DeadLetterDiscard,

    /// <summary>The checkpoint was reset by an operator (<see cref="RunRecord.CursorFrom"/> the old one, <see cref="RunRecord.CursorTo"/> the new one).</summary>
    CheckpointReset,

    /// <summary>
    /// Records overwritten at an operator's request whatever version the destination held
    /// (<see cref="RepairOperations.ForceRepairAsync{T}"/>); every record written has an audit entry, and
    /// <see cref="RunRecord.Report"/> holds the <see cref="OperatorAction"/>. The checkpoint is not touched.
    /// </summary>
    ForceRepair,
}

/// <summary>What a run counted.</summary>
/// <param name="Read">Records read from the source.</param>
/// <param name="Written">Records written.</param>
/// <param name="Skipped">Records skipped as stale.</param>
/// <param name="Deduplicated">Records whose effect had already happened.</param>
/// <param name="Retried">Retry attempts made (pages and records).</param>
/// <param name="DeadLettered">Records sent to the dead-letter queue.</param>
public sealed record RunCounts(long Read, long Written, long Skipped, long Deduplicated, long Retried, long DeadLettered)
{
    /// <summary>All zero.</summary>
    public static RunCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    internal static RunCounts Sum(RunCounts left, RunCounts right) => new(
        left.Read + right.Read,
        left.Written + right.Written,
        left.Skipped + right.Skipped,
        left.Deduplicated + right.Deduplicated,
        left.Retried + right.Retried,
        left.DeadLettered + right.DeadLettered);

    internal static IReadOnlyDictionary<RunKind, RunCounts> SumByKind(IEnumerable<RunRecord> runs)
    {
        var sums = new Dictionary<RunKind, RunCounts>();
        foreach (var run in runs)
        {
            sums[run.Kind] = sums.TryGetValue(run.Kind, out var sum) ? Sum(sum, run.Counts) : run.Counts;
        }

        return sums;
    }
}

/// <summary>The evidence one run leaves.</summary>
/// <param name="RunId">The run id; also the run's trace id.</param>
/// <param name="Job">The job.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; <see langword="null"/> while running.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="CursorFrom">The checkpoint it started from (before lookback); for runs over a window, the window's start.</param>
/// <param name="CursorTo">The checkpoint it left; for runs over a window, the window's end.</param>
/// <param name="Counts">What it counted.</param>
/// <param name="ErrorsByClass">Failures by class.</param>
/// <param name="SampleRecordKeys">A few keys of records it handled, for tracing.</param>
/// <param name="Error">Why it failed or stopped, when it did.</param>
public sealed record RunRecord(
    string RunId,
    JobId Job,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    RunOutcome Outcome,
    Cursor? CursorFrom,
    Cursor? CursorTo,
    RunCounts Counts,
    IReadOnlyDictionary<ErrorClass, long> ErrorsByClass,
    IReadOnlyList<string> SampleRecordKeys,
    string? Error)
{
    private readonly string? _error = ErrorText.Clean(Error);

    /// <summary>Why it failed or stopped, when it did; cleaned by <see cref="ErrorText.Clean"/> (no control characters, at most <see cref="ErrorText.MaxLength"/> characters).</summary>
    public string? Error
    {
        get => _error;
        init => _error = ErrorText.Clean(value);
    }

    /// <summary>What the run did.</summary>
    /// <value>Default <see cref="RunKind.Sync"/>.</value>
    public RunKind Kind { get; init; } = RunKind.Sync;

    /// <summary>
    /// A JSON document describing the run, written by its kind (a reconciliation pass's report, an
    /// operator action's who and why). Stores keep it verbatim.
    /// </summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? Report { get; init; }

    /// <summary>
    /// The source's visibility horizon as of the run's last page (<see cref="SourcePage{T}.Horizon"/>): changes stamped
    /// at or after it were left for a later run. Health measures lag from it.
    /// </summary>
    /// <value>Default <see langword="null"/>: the source reports none.</value>
    public SourceHorizon? Horizon { get; init; }
}

/// <summary>Filters runs.</summary>
public sealed record RunQuery
{
    /// <summary>Only this tenant's runs.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this stream's runs.</summary>
    public string? Stream { get; init; }

    /// <summary>Only runs started at or after this instant.</summary>
    public DateTimeOffset? StartedFrom { get; init; }

    /// <summary>Only runs started before this instant.</summary>
    public DateTimeOffset? StartedBefore { get; init; }

    /// <summary>Only runs with this outcome.</summary>
    public RunOutcome? Outcome { get; init; }

    /// <summary>Only runs of this kind.</summary>
    public RunKind? Kind { get; init; }

    /// <summary>At most this many runs.</summary>
    /// <value>Default 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>A query for one job's runs.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The query.</returns>
    public static RunQuery ForJob(JobId job) => new() { Tenant = job.Tenant, Stream = job.Stream };

    /// <summary>Whether a run matches this query.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="true"/> when it matches every filter set.</returns>
    public bool Matches(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (Tenant is null || run.Job.Tenant == Tenant)
            && (Stream is null || run.Job.Stream == Stream)
            && (StartedFrom is null || run.StartedAt >= StartedFrom)
            && (StartedBefore is null || run.StartedAt < StartedBefore)
            && (Outcome is null || run.Outcome == Outcome)
            && (Kind is null || run.Kind == Kind);
    }
}

/// <summary>What one run did to one record.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Job">The job.</param>
/// <param name="RecordKey">The record's key.</param>
/// <param name="Position">The record's position.</param>
/// <param name="Action">What happened: <c>written</c>, <c>skipped</c>, <c>deduplicated</c>, <c>dead-lettered</c>, ...</param>
/// <param name="At">When.</param>
public sealed record AuditEntry(string RunId, JobId Job, string RecordKey, Cursor Position, string Action, DateTimeOffset At);

/// <summary>Asks for one page of a run's audit trail.</summary>
/// <param name="RunId">The run.</param>
public sealed record RunAuditQuery(string RunId)
{
    private readonly int _limit = 1_000;

    /// <summary>
    /// Where the page starts: the <see cref="RunAuditPage.Next"/> of the page before, or <see langword="null"/> for the
    /// first page. The value is the store's own and means nothing elsewhere.
    /// </summary>
    /// <value>Default <see langword="null"/>.</value>
    public long? After { get; init; }

    /// <summary>At most this many entries, from 1 to 100,000: a page is held in memory whole.</summary>
    /// <value>Default 1,000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 100,000.</exception>
    public int Limit
    {
        get => _limit;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100_000);
            _limit = value;
        }
    }
}

/// <summary>One page of a run's audit trail.</summary>
/// <param name="Entries">The entries, in the order they were appended.</param>
/// <param name="Next">
/// Where the next page starts (pass it as <see cref="RunAuditQuery.After"/>), or <see langword="null"/> when this page
/// holds the last entry.
/// </param>
public sealed record RunAuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);
