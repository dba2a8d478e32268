namespace SyncKit;

/// <summary>Answers "what happened?": runs by tenant, job, time range, outcome and kind, and which runs touched a record.</summary>
public sealed class RunHistory
{
    private readonly IRunHistoryStore _runs;

    /// <summary>Creates the queries.</summary>
    /// <param name="engine">The engine whose store's run history they read.</param>
    public RunHistory(SyncEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _runs = engine.Store.Runs;
    }

    /// <summary>Lists runs matching a query, newest first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    public Task<IReadOnlyList<RunRecord>> QueryAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _runs.QueryRunsAsync(query, cancellationToken).AsTask();
    }

    /// <summary>Reads one run.</summary>
    /// <param name="runId">The run id (also its trace id).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    public Task<RunRecord?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return _runs.GetRunAsync(runId, cancellationToken).AsTask();
    }

    /// <summary>
    /// Reads one page of a run's audit trail: what the run did to each record, in the order it did it. Regular runs
    /// write audit entries only for jobs with <see cref="SyncJobOptions.AuditLog"/> on.
    /// </summary>
    /// <param name="query">The run and the page (pass each page's <see cref="RunAuditPage.Next"/> on to read the next).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    public Task<RunAuditPage> GetAuditTrailAsync(RunAuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _runs.GetRunAuditAsync(query, cancellationToken).AsTask();
    }

    /// <summary>
    /// Lists what each run did to one record, oldest first, from the audit log. Regular runs write audit entries only
    /// for jobs with <see cref="SyncJobOptions.AuditLog"/> on; reconciliation deletions and discarded dead letters
    /// always do.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKey">The record's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Each audit entry with its run (<see langword="null"/> when the run record was purged).</returns>
    public async Task<IReadOnlyList<RecordTouch>> WhichRunsTouchedAsync(JobId job, string recordKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recordKey);
        var entries = await _runs.GetAuditAsync(job, recordKey, cancellationToken).ConfigureAwait(false);
        var runs = new Dictionary<string, RunRecord?>(StringComparer.Ordinal);
        var touches = new List<RecordTouch>(entries.Count);
        foreach (var entry in entries)
        {
            if (!runs.TryGetValue(entry.RunId, out var run))
            {
                run = await _runs.GetRunAsync(entry.RunId, cancellationToken).ConfigureAwait(false);
                runs[entry.RunId] = run;
            }

            touches.Add(new RecordTouch(entry, run));
        }

        return touches;
    }
}
