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

    /// <summary>
    /// Deletes one batch of the runs that ended before an instant, the longest-ended first, with their audit entries, in
    /// one short write: call it again until it returns less than <paramref name="limit"/>.
    /// </summary>
    /// <param name="endedBefore">The retention limit; runs still running are never deleted.</param>
    /// <param name="limit">At most this many runs, at least 1.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many runs were deleted.</returns>
    ValueTask<int> PurgeAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes one batch of audit entries recorded before an instant, the oldest appended first, in one short write,
    /// while their runs stay: call it again until it returns 0. Entries go in the order they were appended, so an entry
    /// appended after a younger one (a clock stepped back) waits for it.
    /// </summary>
    /// <param name="recordedBefore">The retention limit, compared with <see cref="AuditEntry.At"/>.</param>
    /// <param name="limit">At most this many entries are looked at, at least 1.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were deleted.</returns>
    ValueTask<int> PurgeAuditAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken);
}
