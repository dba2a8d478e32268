using System.ComponentModel.DataAnnotations;

namespace SyncKit;

/// <summary>
/// How long SyncKit keeps its own history in the state store: run history, audit entries and, when asked, completed
/// dedup keys.
/// The hosted <see cref="SyncRetention"/> deletes what is older, in small batches between syncs.
/// </summary>
/// <remarks>
/// A limit of <see langword="null"/> keeps that history for ever. Dead letters, checkpoints and anything a destination
/// keeps are never purged here: a dead letter leaves the store when an operator retries or discards it.
/// </remarks>
public sealed class RetentionOptions
{
    /// <summary>Whether the host purges at all. Turn off to purge only through <see cref="SyncRetention.PurgeAsync"/>.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Runs that ended longer ago than this are deleted, with their audit entries and their place in the hourly counts
    /// the error budget reads. Runs still running are kept, however old.
    /// </summary>
    /// <value>Default 90 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan? Runs { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Audit entries recorded longer ago than this are deleted while their runs stay. It cannot be longer than
    /// <see cref="Runs"/>: a run's entries go with the run.
    /// </summary>
    /// <value>Default 30 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan? Audit { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Dedup keys completed longer ago than this are deleted, and so are reservations that expired without completing.
    /// Kept for ever by default: a key that names an entity rather than an event (one welcome per user, say) guards its
    /// side effect for as long as the entity can be read again, and once deleted the effect repeats. Set it when every
    /// key names an event that cannot come back after a while, and keep it longer than the oldest replay you would run.
    /// </summary>
    /// <value>Default <see langword="null"/>: kept for ever.</value>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan? Dedup { get; set; }

    /// <summary>How often the host purges; its first pass comes one <see cref="FirstPassDelay"/> after start.</summary>
    /// <value>Default 1 hour.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after start the host's first pass waits, so purging never competes with a host's first wave of syncs.</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FirstPassDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most rows one batch deletes, each batch its own short write. On SQLite a batch also ends early, a few rows
    /// in, when a sync waits for the writer, so a sync's commit waits for a few rows at most.
    /// </summary>
    /// <value>Default 200.</value>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// The most of the store's write time a purge takes: after each batch it rests until its batches make up this
    /// share of the time, so syncs find the writer free for the rest. At 0.1, purging a 10M-run history kept syncs'
    /// p99 commit latency within 2× of a quiet store (<c>benchmarks/README.md</c>); raise it to purge a backlog faster.
    /// </summary>
    /// <value>Default 0.1.</value>
    [Range(0.01, 1.0)]
    public double WriterShare { get; set; } = 0.1;
}
