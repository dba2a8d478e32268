using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SyncKit.Jobs.Internal;

namespace SyncKit;

/// <summary>How a job reads, writes, retries and commits. Every setting has a default that suits a typical REST source.</summary>
/// <remarks>
/// Options are validated, nested settings included, when the host starts and the first time a job runs with an
/// instance (any run, replay, backfill, dead-letter retry or reconciliation pass): an invalid setting fails with an
/// <see cref="OptionsValidationException"/> naming it. An instance found valid is not checked again, so treat it as
/// fixed once a job has run with it.
/// </remarks>
public sealed class SyncJobOptions
{
    /// <summary>
    /// How far before the checkpoint each run starts reading, so late arrivals are caught: a guess at how late a
    /// change can become visible.
    /// </summary>
    /// <value>
    /// Default 5 minutes. A change that becomes visible further behind the checkpoint than this is not picked up by
    /// polling, and neither the run nor health can tell; only reconciliation finds it. For a SQL table no lookback is
    /// right (commit order is not timestamp order, a transaction waiting on a lock commits rows stamped long before,
    /// and a timestamp that goes backwards is refused by a skip-older destination at any lookback): read it with a
    /// source that stops at the database's visibility horizon (<c>SyncKit.Postgres</c>'s
    /// <c>PostgresTableSource&lt;T&gt;</c>) and set 0.
    /// </value>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the hosted scheduler runs the job for each tenant, unless <see cref="Schedule"/> sets a calendar. Runs
    /// keep to slots one cadence apart; after a restart the job is due one cadence after its last run in the store.
    /// </summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "365.00:00:00")]
    public TimeSpan Cadence { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A calendar schedule instead of <see cref="Cadence"/>: a cron expression of five fields (minute, hour, day of
    /// month, month, day of week), or six with seconds first, in <see cref="ScheduleTimeZone"/>. <c>"0 2 * * *"</c>
    /// runs at 02:00 every night. The job is due at the first occurrence after its last run in the store, so a restart
    /// does not run it again before then, and an occurrence missed while no host ran is made up once at start (within
    /// the scheduler's startup stagger). Daylight-saving changes run it once: a time the clocks skip runs when they
    /// resume, a time they repeat runs the first time. Health measures lag against the longest gap between two
    /// occurrences.
    /// </summary>
    /// <value>Default <see langword="null"/>: the job runs every <see cref="Cadence"/>.</value>
    [CronSchedule]
    public string? Schedule { get; set; }

    /// <summary>The time zone <see cref="Schedule"/> is read in: an IANA id such as <c>"Europe/Berlin"</c>, or <c>"UTC"</c>.</summary>
    /// <value>Default <c>"UTC"</c>.</value>
    [TimeZoneId]
    public string ScheduleTimeZone { get; set; } = "UTC";

    /// <summary>The page size asked of the source.</summary>
    /// <value>Default 500.</value>
    [Range(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>The most records handed to the destination in one batch (and committed with one checkpoint).</summary>
    /// <value>Default 500.</value>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>How many partitions process records concurrently; one key always maps to one partition.</summary>
    /// <value>
    /// Default 1: one writer, in read order, while the next pages are read (reading and writing always overlap).
    /// Raise it when the destination is slow per batch and accepts concurrent writes (an HTTP API, a database with
    /// row locks): each partition then writes its own batches side by side. Partitions do not pay off for a
    /// destination bound by CPU or one lock, nor for one that writes in the state store's transaction, whose
    /// batches the engine serializes anyway.
    /// </value>
    [Range(1, 256)]
    public int Partitions { get; set; } = 1;

    /// <summary>How many records may wait between reading and writing, across all partitions (back-pressure).</summary>
    /// <value>
    /// Default 2,000. A run holds at most this many records plus the batches being written (<see cref="Partitions"/> ×
    /// <see cref="BatchSize"/>) and one page: the source is not read further while a record that failed is retried and the
    /// records after it wait for the checkpoint to pass them.
    /// </value>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 2_000;

    /// <summary>What to do with a record that fails for good.</summary>
    /// <value>Default <see cref="PartialFailurePolicy.DeadLetterAndContinue"/>.</value>
    public PartialFailurePolicy PartialFailure { get; set; } = PartialFailurePolicy.DeadLetterAndContinue;

    /// <summary>How many times a transient failure is retried before the run fails (whole pages or batches) or the record is dead-lettered.</summary>
    /// <value>Default 5. A call an open circuit breaker refuses counts as an attempt, so an outage cannot hold a record back for ever.</value>
    [Range(0, 100)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first retry delay; it doubles each attempt, with jitter.</summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay, <c>Retry-After</c> included.</summary>
    /// <value>Default 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one source page read or destination batch write may take.</summary>
    /// <value>Default 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The source's name: jobs with the same name share one circuit breaker (and should share one rate limiter).</summary>
    /// <value>Default: the job's stream.</value>
    public string? SourceName { get; set; }

    /// <summary>The destination's name: one circuit breaker per tenant and destination name.</summary>
    /// <value>Default: the job's stream.</value>
    public string? DestinationName { get; set; }

    /// <summary>Limits calls to the source. Give every job that reads the same source the same instance.</summary>
    /// <value>Default none.</value>
    public RateLimiter? SourceRateLimiter { get; set; }

    /// <summary>The circuit breakers' settings.</summary>
    [ValidateObjectMembers]
    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>The dead-letter queue's re-drive schedule.</summary>
    [ValidateObjectMembers]
    public DeadLetterSettings DeadLetters { get; set; } = new();

    /// <summary>How the job is reconciled (<see cref="SyncReconciler"/>).</summary>
    [ValidateObjectMembers]
    public ReconciliationSettings Reconciliation { get; set; } = new();

    /// <summary>Whether each run writes an audit entry per record (what it did to which key).</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool AuditLog { get; set; }

    /// <summary>How long in-flight batches may take to finish and commit once a stop is requested; then they are abandoned (and re-read next run).</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);
}
