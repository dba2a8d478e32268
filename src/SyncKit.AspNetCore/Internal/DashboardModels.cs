namespace SyncKit.AspNetCore.Internal;

/// <summary>One tenant at a glance: the worst of its jobs.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="Status">The worst job status.</param>
/// <param name="Jobs">How many jobs the tenant has.</param>
/// <param name="Lag">The largest job lag.</param>
/// <param name="LastSuccessAt">The oldest of its jobs' last successes: the stalest job decides.</param>
/// <param name="DeadLetters">Dead letters over all its jobs.</param>
/// <param name="Breaker">The worst breaker state over all its jobs.</param>
/// <param name="ErrorBudgetBurn">The highest error-budget burn over all its jobs.</param>
internal sealed record TenantSummary(
    string Tenant,
    JobHealthStatus Status,
    int Jobs,
    TimeSpan? Lag,
    DateTimeOffset? LastSuccessAt,
    int DeadLetters,
    BreakerState Breaker,
    double ErrorBudgetBurn);

/// <summary>Everything a tenant page shows.</summary>
internal sealed record TenantDetail(
    string Tenant,
    IReadOnlyList<JobHealth> Jobs,
    IReadOnlyList<LagSeries> Lag,
    IReadOnlyList<RunRecord> RecentRuns,
    IReadOnlyDictionary<ErrorClass, long> ErrorsByClass,
    IReadOnlyList<ReconciliationEntry> Reconciliations);

/// <summary>A job's lag at the end of each regular run, oldest first.</summary>
/// <param name="Stream">The job's stream.</param>
/// <param name="Cadence">The job's cadence.</param>
/// <param name="StalledAfter">The lag beyond which the job is stalled.</param>
/// <param name="Points">The points.</param>
internal sealed record LagSeries(string Stream, TimeSpan Cadence, TimeSpan StalledAfter, IReadOnlyList<LagPoint> Points);

/// <summary>A job's lag when one run ended.</summary>
internal sealed record LagPoint(DateTimeOffset At, double LagSeconds, string RunId, RunOutcome Outcome);

/// <summary>A stored reconciliation report with the run that holds it.</summary>
internal sealed record ReconciliationEntry(string RunId, JobId Job, ReconciliationReport Report);

/// <summary>
/// One run with what it recorded: the operator action, the reconciliation report and one page of its audit trail,
/// with where the next page starts (<see langword="null"/> on the last).
/// </summary>
internal sealed record RunDetail(RunRecord Run, OperatorAction? Action, ReconciliationReport? Report, IReadOnlyList<AuditEntry> Audit, long? AuditNext);

/// <summary>How long history is kept, and what this process's latest retention pass deleted.</summary>
internal sealed record RetentionView(TimeSpan? Runs, TimeSpan? Audit, TimeSpan? Dedup, bool Enabled, TimeSpan Interval, RetentionPass? LastPass)
{
    public static RetentionView Of(SyncRetention retention) => new(
        retention.Options.Runs, retention.Options.Audit, retention.Options.Dedup, retention.Options.Enabled, retention.Options.Interval, retention.LastPass);
}
