namespace SyncKit;

/// <summary>
/// The durable dead-letter queue: records that failed, with their payload, so they are re-driven on a
/// backoff schedule and parked for an operator after a bounded number of attempts.
/// One entry is kept per job and record key; a newer failure of the same key replaces it.
/// </summary>
public interface IDeadLetterStore
{
    /// <summary>Adds entries, replacing any entry for the same job and record key.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are written (durable once their transaction commits).</returns>
    ValueTask UpsertAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken);

    /// <summary>Removes the entries for the given record keys of a job (resolved or discarded).</summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The record keys.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were removed.</returns>
    ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<string> recordKeys, CancellationToken cancellationToken);

    /// <summary>Lists entries matching a query, oldest next attempt first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>Counts a job's entries.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many entries the job has, parked ones included.</returns>
    ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken);
}

/// <summary>Whether a dead letter is still re-driven automatically.</summary>
public enum DeadLetterStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>Out of attempts: waits for an operator to retry or discard it.</summary>
    Parked,
}

/// <summary>A record that could not be applied.</summary>
/// <param name="Job">The job it belongs to.</param>
/// <param name="RecordKey">The record's key.</param>
/// <param name="Position">The record's position in the source.</param>
/// <param name="Payload">The serialized record, exactly as read.</param>
/// <param name="ErrorClass">The class of the last failure.</param>
/// <param name="LastError">The last failure's message.</param>
/// <param name="Attempts">How many times applying it was tried.</param>
/// <param name="FirstFailedAt">When it first failed.</param>
/// <param name="LastFailedAt">When it last failed.</param>
/// <param name="NextAttemptAt">When it is due for re-drive; <see langword="null"/> when parked.</param>
/// <param name="Status">Pending or parked.</param>
public sealed record DeadLetter(
    JobId Job,
    string RecordKey,
    Cursor Position,
    string Payload,
    ErrorClass ErrorClass,
    string LastError,
    int Attempts,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    DateTimeOffset? NextAttemptAt,
    DeadLetterStatus Status);

/// <summary>Filters dead letters.</summary>
public sealed record DeadLetterQuery
{
    /// <summary>Only this tenant's entries.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this stream's entries.</summary>
    public string? Stream { get; init; }

    /// <summary>Only entries with this status.</summary>
    public DeadLetterStatus? Status { get; init; }

    /// <summary>Only pending entries due at or before this instant.</summary>
    public DateTimeOffset? DueAtOrBefore { get; init; }

    /// <summary>At most this many entries.</summary>
    /// <value>Default 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>A query for one job's entries.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The query.</returns>
    public static DeadLetterQuery ForJob(JobId job) => new() { Tenant = job.Tenant, Stream = job.Stream };

    /// <summary>Whether an entry matches this query.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns><see langword="true"/> when it matches every filter set.</returns>
    public bool Matches(DeadLetter entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (Tenant is null || entry.Job.Tenant == Tenant)
            && (Stream is null || entry.Job.Stream == Stream)
            && (Status is null || entry.Status == Status)
            && (DueAtOrBefore is null || (entry.Status == DeadLetterStatus.Pending && entry.NextAttemptAt <= DueAtOrBefore));
    }
}
