namespace SyncKit;

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
