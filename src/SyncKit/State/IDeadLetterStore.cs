namespace SyncKit;

/// <summary>
/// The durable dead-letter queue: records that failed, with their payload, so they are re-driven on a
/// backoff schedule and parked for an operator after a bounded number of attempts.
/// </summary>
/// <remarks>
/// <para>
/// A store keeps at most one entry per job and record key: the failure at the latest position, positions ordered by
/// <see cref="Cursor.CompareTo"/>. Applying a record's latest version supersedes its earlier ones, so an entry is never
/// replaced by the failure of an earlier position, nor changed by a caller that read an entry at another position:
/// the later version would then be in neither the destination nor the queue.
/// </para>
/// <para>
/// Writes say what their caller means. <see cref="AddAsync"/> records new failures, as a run finds them.
/// <see cref="UpdateAsync"/> and <see cref="RemoveAsync"/> change entries their caller read (a re-drive, an operator)
/// and apply only while the stored entry is still at the position read. Each call decides against the stored entries
/// and writes as one atomic step (in a transaction, as part of it), so a concurrent writer cannot slip in between.
/// </para>
/// </remarks>
public interface IDeadLetterStore
{
    /// <summary>Records new failures, each against the entry stored for its job and record key (see <see cref="DeadLetter.MergeInto"/>).</summary>
    /// <remarks>
    /// With no entry stored, or one at an earlier position, the failure is stored as given. At the same position (the
    /// same version failing again, as when a run re-reads it inside its lookback) the stored entry keeps its attempts,
    /// status, first failure and next attempt, so it still parks after the bounded attempts. An entry at a later position
    /// is kept as it is. Entries of one key in one call apply in order.
    /// </remarks>
    /// <param name="entries">The failures.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are written (durable once their transaction commits).</returns>
    ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites entries that were read: a re-drive rescheduling or parking them, an operator making them due. Each
    /// replaces the stored entry of its job and record key only while that entry is at the same position.
    /// </summary>
    /// <param name="entries">The entries as they should now be stored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were rewritten; an entry whose record failed again at another position since is left alone.</returns>
    ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Removes entries of a job that were read (resolved by a re-drive, discarded by an operator), each only while
    /// the stored entry of its record key is at the given position.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="entries">The entries, by record key and position.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were removed; an entry whose record failed again at another position since is kept.</returns>
    ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken);

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
    DeadLetterStatus Status)
{
    private readonly string _lastError = ErrorText.Clean(LastError);

    /// <summary>The last failure's message, cleaned by <see cref="ErrorText.Clean"/> (no control characters, at most <see cref="ErrorText.MaxLength"/> characters).</summary>
    public string LastError
    {
        get => _lastError;
        init => _lastError = ErrorText.Clean(value);
    }

    /// <summary>
    /// What a store keeps when this failure is added (<see cref="IDeadLetterStore.AddAsync"/>) and
    /// <paramref name="stored"/> is the entry of the same job and record key: the rule every store applies.
    /// </summary>
    /// <param name="stored">The entry stored for this job and record key, if any.</param>
    /// <returns>
    /// This entry when none is stored or the stored one is at an earlier position; at the same position, the stored
    /// entry with this failure's payload, class, error and time (its attempts, status, first failure and next attempt
    /// kept); <see langword="null"/> when the stored entry is at a later position and stays as it is.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="stored"/> is of another job or record key.</exception>
    public DeadLetter? MergeInto(DeadLetter? stored)
    {
        if (stored is null)
        {
            return this;
        }

        if (stored.Job != Job || !string.Equals(stored.RecordKey, RecordKey, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The stored entry is of {stored.Job} record {stored.RecordKey}, not of {Job} record {RecordKey}.", nameof(stored));
        }

        return stored.Position.CompareTo(Position) switch
        {
            < 0 => this,
            0 => stored with { Payload = Payload, ErrorClass = ErrorClass, LastError = LastError, LastFailedAt = LastFailedAt },
            > 0 => null,
        };
    }

    /// <summary>Whether this entry is the one <paramref name="id"/> names: the same record key, at the same position.</summary>
    /// <param name="id">The entry as read.</param>
    /// <returns><see langword="true"/> when key and position match.</returns>
    public bool Is(DeadLetterId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return string.Equals(RecordKey, id.RecordKey, StringComparison.Ordinal) && Position.CompareTo(id.Position) == 0;
    }
}

/// <summary>One dead letter as its reader saw it: the record's key and the position it failed at.</summary>
/// <param name="RecordKey">The record's key.</param>
/// <param name="Position">The position of the failed version.</param>
public sealed record DeadLetterId(string RecordKey, Cursor Position)
{
    /// <summary>The identity of an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Its record key and position.</returns>
    public static DeadLetterId Of(DeadLetter entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new DeadLetterId(entry.RecordKey, entry.Position);
    }
}

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
