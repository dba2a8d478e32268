namespace SyncKit.AspNetCore.Internal;

/// <summary>Which tenants the overview lists: a health state, part of a tenant's name, where the page starts and how many rows it has.</summary>
/// <param name="State">Only tenants whose worst job has this status; <see langword="null"/> for all.</param>
/// <param name="Query">Only tenants whose name contains this, ignoring case; <see langword="null"/> or empty for all.</param>
/// <param name="After">The previous page's last row; <see langword="null"/> for the first page.</param>
/// <param name="Limit">The page's size.</param>
internal sealed record OverviewFilter(JobHealthStatus? State, string? Query, OverviewKey? After, int Limit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1_000;

    public const string Invalid = "'state' must be Healthy, Degraded or Stalled (or empty for all), and 'after' a row's key, Status:tenant, as a previous page's next gave it.";

    /// <summary>
    /// The filter a request's parameters ask for; <see langword="null"/> when <paramref name="state"/> is not a status
    /// or <paramref name="after"/> not a row's key. An empty state, as the page's form sends for "Any", is no filter.
    /// </summary>
    public static OverviewFilter? From(string? state, string? query, string? after, int? limit)
    {
        JobHealthStatus? status = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (!OverviewKey.TryParseStatus(state, out var parsed))
            {
                return null;
            }

            status = parsed;
        }

        return OverviewKey.TryParse(after, out var key)
            ? new OverviewFilter(status, string.IsNullOrWhiteSpace(query) ? null : query.Trim(), key, Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit))
            : null;
    }
}

/// <summary>
/// A row's place in the overview's order: worst status first, then tenant name (ordinal). Written <c>Status:tenant</c>
/// in the <c>after</c> parameter that asks for the page following that row.
/// </summary>
internal readonly record struct OverviewKey(JobHealthStatus Status, string Tenant)
{
    public static OverviewKey Of(TenantSummary row) => new(row.Status, row.Tenant);

    /// <summary>Reads an <c>after</c> parameter; an empty one is no key, and one that is not <c>Status:tenant</c> fails.</summary>
    public static bool TryParse(string? text, out OverviewKey? key)
    {
        key = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !TryParseStatus(text[..colon], out var status))
        {
            return false;
        }

        key = new OverviewKey(status, text[(colon + 1)..]);
        return true;
    }

    /// <summary>Reads a status by its name (<see cref="Enum.TryParse{TEnum}(string, out TEnum)"/> alone also reads numbers).</summary>
    public static bool TryParseStatus(string text, out JobHealthStatus status) =>
        Enum.TryParse(text, out status) && char.IsLetter(text[0]) && Enum.IsDefined(status);

    /// <summary>Orders rows: the worse status first, then the tenant name.</summary>
    public int CompareTo(OverviewKey other)
    {
        var byStatus = other.Status.CompareTo(Status);
        return byStatus != 0 ? byStatus : string.CompareOrdinal(Tenant, other.Tenant);
    }

    public override string ToString() => $"{Status}:{Tenant}";
}

/// <summary>How many of a set of tenants or jobs are in each health state.</summary>
internal sealed record StatusCounts(int Total, int Healthy, int Degraded, int Stalled)
{
    /// <summary>The healthy share in percent; 100 when there is nothing to judge.</summary>
    public double HealthyPercent => Total == 0 ? 100 : Healthy * 100.0 / Total;

    public static StatusCounts Of(IEnumerable<JobHealthStatus> statuses)
    {
        int healthy = 0, degraded = 0, stalled = 0;
        foreach (var status in statuses)
        {
            _ = status switch
            {
                JobHealthStatus.Healthy => healthy++,
                JobHealthStatus.Degraded => degraded++,
                _ => stalled++,
            };
        }

        return new StatusCounts(healthy + degraded + stalled, healthy, degraded, stalled);
    }
}

/// <summary>What the overview's header shows, computed from every registered job's health (not only the page's).</summary>
/// <param name="TenantCounts">Tenants by their worst job's status.</param>
/// <param name="JobCounts">Jobs by status.</param>
/// <param name="LagP50">The median lag over the jobs that have one (nearest rank).</param>
/// <param name="LagP99">The 99th percentile lag over the jobs that have one (nearest rank).</param>
/// <param name="DeadLetters">Dead letters over all jobs.</param>
/// <param name="DeadLetterGrowth">How much the dead-letter queues grew over the health options' growth window, over the jobs whose queue grew.</param>
/// <param name="JobsWithGrowingDeadLetters">How many jobs' dead-letter queues grew over that window.</param>
/// <param name="OpenBreakers">Circuit breakers (source and destination per job) that are open or isolated: work on them is paused.</param>
/// <param name="AnomalyCount">How many anomalies there are; <paramref name="Anomalies"/> lists the first of them.</param>
/// <param name="Anomalies">The anomalies, by kind (stalled first), then job.</param>
internal sealed record OverviewSummary(
    StatusCounts TenantCounts,
    StatusCounts JobCounts,
    TimeSpan? LagP50,
    TimeSpan? LagP99,
    long DeadLetters,
    long DeadLetterGrowth,
    int JobsWithGrowingDeadLetters,
    int OpenBreakers,
    int AnomalyCount,
    IReadOnlyList<Anomaly> Anomalies);

/// <summary>What makes a job an anomaly on the overview.</summary>
internal enum AnomalyKind
{
    /// <summary>The job is stalled.</summary>
    Stalled,

    /// <summary>The error budget burns more than twice as fast as allowed.</summary>
    ErrorBudgetBurn,

    /// <summary>Reconciliation paused correction because a pass found a gap rate above its threshold.</summary>
    GapRate,

    /// <summary>The newest reconciliation pass leaves gaps open.</summary>
    UnrepairedGaps,

    /// <summary>The dead-letter queue grew beyond the health options' limit within their window.</summary>
    DeadLetterGrowth,
}

/// <summary>One anomaly of one job.</summary>
internal sealed record Anomaly(JobId Job, AnomalyKind Kind, string Detail);

/// <summary>The overview: the header, and one page of the tenants that match the filter, worst first.</summary>
/// <param name="Summary">The header, over all jobs.</param>
/// <param name="Matching">How many tenants match the filter, over all pages.</param>
/// <param name="Tenants">This page's rows.</param>
/// <param name="Next">The <c>after</c> that asks for the next page; <see langword="null"/> on the last.</param>
internal sealed record OverviewPage(OverviewSummary Summary, int Matching, IReadOnlyList<TenantSummary> Tenants, string? Next);
