using System.Globalization;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// Builds the overview from one health check of every registered job. The check is one set-based read of the store;
/// everything here (the per-tenant fold, the header, sorting worst first, filtering and keyset paging) works on its
/// result in memory, so a page costs the same whichever it is, and the header always covers all jobs.
/// </summary>
internal static class Overview
{
    /// <summary>An error budget burning faster than this (200 %) is an anomaly.</summary>
    public const double AnomalousBurn = 2;

    /// <summary>How many anomalies the header lists; the count covers them all.</summary>
    public const int AnomaliesListed = 50;

    /// <summary>Every tenant's summary, in tenant order: the worst of its jobs.</summary>
    public static List<TenantSummary> Tenants(IReadOnlyList<JobHealth> health) =>
    [
        .. health.GroupBy(j => j.Job.Tenant, StringComparer.Ordinal).Select(jobs => new TenantSummary(
            jobs.Key,
            jobs.Max(j => j.Status),
            jobs.Count(),
            jobs.Max(j => j.Lag),
            jobs.Any(j => j.LastSuccessAt is null) ? null : jobs.Min(j => j.LastSuccessAt),
            jobs.Sum(j => j.DeadLetters),
            jobs.Select(j => Worse(j.Breakers.Source, j.Breakers.Destination)).Aggregate(BreakerState.Closed, Worse),
            jobs.Max(j => j.ErrorBudgetBurn))),
    ];

    /// <summary>The header and one page of the tenants the filter matches, worst first.</summary>
    public static OverviewPage Page(IReadOnlyList<JobHealth> health, OverviewFilter filter, SyncHealthOptions options)
    {
        var tenants = Tenants(health);
        var summary = Summary(health, tenants, options);
        var matching = tenants
            .Where(t => filter.State is not { } state || t.Status == state)
            .Where(t => string.IsNullOrEmpty(filter.Query) || t.Tenant.Contains(filter.Query, StringComparison.OrdinalIgnoreCase))
            .ToList();
        matching.Sort((a, b) => OverviewKey.Of(a).CompareTo(OverviewKey.Of(b)));
        var start = 0;
        if (filter.After is { } after)
        {
            // The first row that sorts after the key: rows that changed state since the previous page move, but a
            // row is never listed twice on consecutive pages of one order.
            start = matching.FindIndex(t => OverviewKey.Of(t).CompareTo(after) > 0);
            start = start < 0 ? matching.Count : start;
        }

        var page = matching.Skip(start).Take(filter.Limit).ToList();
        var next = start + page.Count < matching.Count ? OverviewKey.Of(page[^1]).ToString() : null;
        return new OverviewPage(summary, matching.Count, page, next);
    }

    private static OverviewSummary Summary(IReadOnlyList<JobHealth> health, List<TenantSummary> tenants, SyncHealthOptions options)
    {
        var lags = health.Where(j => j.Lag is not null).Select(j => j.Lag!.Value).Order().ToList();
        var growing = health.Where(j => j.DeadLetterGrowth > 0).ToList();
        var anomalies = health.SelectMany(j => Anomalies(j, options)).OrderBy(a => a.Kind).ThenBy(a => a.Job.Tenant, StringComparer.Ordinal).ThenBy(a => a.Job.Stream, StringComparer.Ordinal).ToList();
        return new OverviewSummary(
            StatusCounts.Of(tenants.Select(t => t.Status)),
            StatusCounts.Of(health.Select(j => j.Status)),
            Percentile(lags, 0.50),
            Percentile(lags, 0.99),
            health.Sum(j => (long)j.DeadLetters),
            growing.Sum(j => (long)j.DeadLetterGrowth),
            growing.Count,
            health.Sum(j => (IsOpen(j.Breakers.Source) ? 1 : 0) + (IsOpen(j.Breakers.Destination) ? 1 : 0)),
            anomalies.Count,
            [.. anomalies.Take(AnomaliesListed)]);
    }

    private static IEnumerable<Anomaly> Anomalies(JobHealth job, SyncHealthOptions options)
    {
        if (job.Status == JobHealthStatus.Stalled)
        {
            yield return new Anomaly(job.Job, AnomalyKind.Stalled, job.Reasons.Count > 0 ? job.Reasons[0] : "stalled");
        }

        if (job.ErrorBudgetBurn > AnomalousBurn)
        {
            yield return new Anomaly(job.Job, AnomalyKind.ErrorBudgetBurn, Format($"the error budget burns {job.ErrorBudgetBurn:0.##}× as fast as allowed ({job.FailedShare:P2} of records failed)"));
        }

        if (job.ReconciliationPaused)
        {
            yield return new Anomaly(job.Job, AnomalyKind.GapRate, "reconciliation paused correction: a pass found a gap rate above its threshold");
        }

        if (job.UnrepairedGaps > 0)
        {
            yield return new Anomaly(job.Job, AnomalyKind.UnrepairedGaps, Format($"{job.UnrepairedGaps} gap(s) unrepaired"));
        }

        if (job.DeadLetterGrowth > options.MaxDeadLetterGrowth)
        {
            yield return new Anomaly(job.Job, AnomalyKind.DeadLetterGrowth, Format($"the dead-letter queue grew by {job.DeadLetterGrowth} within {options.DeadLetterGrowthWindow:g}"));
        }
    }

    /// <summary>The nearest-rank percentile of sorted values; <see langword="null"/> for none.</summary>
    private static TimeSpan? Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static bool IsOpen(BreakerState state) => state is BreakerState.Open or BreakerState.Isolated;

    // Open and isolated breakers pause work; half-open is on its way back; closed is fine.
    private static BreakerState Worse(BreakerState left, BreakerState right) => Rank(left) >= Rank(right) ? left : right;

    private static int Rank(BreakerState state) => state switch
    {
        BreakerState.Closed => 0,
        BreakerState.HalfOpen => 1,
        BreakerState.Open => 2,
        _ => 3,
    };

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
