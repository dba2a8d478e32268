using System.ComponentModel.DataAnnotations;

namespace SyncKit;

/// <summary>How the hosted scheduler runs the registered jobs.</summary>
public sealed class SyncSchedulerOptions
{
    /// <summary>Whether the hosted scheduler runs jobs on their cadence. Turn off to run jobs only through <see cref="SyncJobRunner"/>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether the scheduler also reconciles: after each regular run it runs the job's due passes (see
    /// <see cref="SyncJobRunner.ReconcileDueAsync"/>), at the cadences of <see cref="SyncJobOptions.Reconciliation"/>
    /// and staggered across tenants. Jobs whose source or destination lack the capabilities are not reconciled.
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Reconcile { get; set; } = true;

    /// <summary>
    /// The most runs at once across all jobs and tenants. A run holds its slot while it waits for its source and
    /// destination, so with remote APIs the slots are mostly idle: the default keeps 3,000 jobs whose pages take 200 ms
    /// on a one-minute cadence (at 4, each ran every 2.6 cadences). Brake a source with its own rate limit
    /// (<see cref="SyncJobOptions.SourceRateLimiter"/>), not with this; lower it when runs are CPU-bound.
    /// </summary>
    /// <value>Default 32.</value>
    [Range(1, 1_000)]
    public int MaxConcurrentRuns { get; set; } = 32;

    /// <summary>
    /// First runs are spread over this window (or the job's cadence, if shorter) by a stable hash of tenant
    /// and stream, so tenants never all start in the same instant.
    /// </summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StartupStagger { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// When a scheduled run throws before the engine could record it (the state store or a source or destination
    /// factory failing), the job tries again after this delay, doubling with each further failure up to its cadence,
    /// instead of waiting a whole cadence. Every such failure is logged with its exception.
    /// </summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FailedStartRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
