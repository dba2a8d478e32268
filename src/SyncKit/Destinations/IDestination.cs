namespace SyncKit;

/// <summary>
/// Applies changes to a system the host writes to. Writes must be idempotent: upsert by external key
/// and skip writes older than what the destination holds, because the engine re-delivers after
/// crashes, retries and lookback.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IDestination<T>
{
    /// <summary>
    /// Whether this destination writes inside the state store's transaction
    /// (<see cref="DestinationBatch{T}.Transaction"/>), so its writes, dedup marks, dead letters and the
    /// checkpoint commit together. The engine then serializes such batches per job.
    /// </summary>
    bool WritesInStateTransaction => false;

    /// <summary>Applies a batch and reports one outcome per record, in the batch's order.</summary>
    /// <param name="batch">The records and their context.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>One outcome per record of <see cref="DestinationBatch{T}.Records"/>, in the same order.</returns>
    /// <remarks>
    /// Report a failure of one record with <see cref="RecordOutcome.Failed(ErrorClass, string, TimeSpan?)"/>
    /// so the rest of the batch proceeds. Throw only when the whole batch failed (connection lost,
    /// service down); the engine classifies the exception and retries or isolates records.
    /// </remarks>
    ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken);
}

/// <summary>A batch handed to a destination.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Job">The job writing.</param>
/// <param name="RunId">The run writing (also its trace id).</param>
/// <param name="Records">The records, with one key's changes in read order.</param>
/// <param name="Transaction">
/// The state store's open transaction, present when the store is transactional and the destination
/// <see cref="IDestination{T}.WritesInStateTransaction">writes in it</see>.
/// </param>
/// <param name="Dedup">The dedup store for one-time side effects, bound to <paramref name="Transaction"/> when there is one.</param>
public sealed record DestinationBatch<T>(
    JobId Job,
    string RunId,
    IReadOnlyList<SourceRecord<T>> Records,
    IStateTransaction? Transaction,
    IDedupStore Dedup);

/// <summary>How a destination handled one record.</summary>
public enum RecordOutcomeKind
{
    /// <summary>The record was written.</summary>
    Written,

    /// <summary>The destination already held this version or a newer one; nothing was written.</summary>
    Skipped,

    /// <summary>A one-time side effect for the record had already been performed.</summary>
    Deduplicated,

    /// <summary>The record failed; see <see cref="RecordOutcome.ErrorClass"/>.</summary>
    Failed,
}

/// <summary>The outcome of one record in a batch.</summary>
public readonly record struct RecordOutcome
{
    private RecordOutcome(RecordOutcomeKind kind, ErrorClass errorClass, string? error, TimeSpan? retryAfter)
    {
        Kind = kind;
        ErrorClass = errorClass;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>The record was written.</summary>
    public static RecordOutcome Written { get; } = new(RecordOutcomeKind.Written, default, null, null);

    /// <summary>The record was stale and skipped.</summary>
    public static RecordOutcome Skipped { get; } = new(RecordOutcomeKind.Skipped, default, null, null);

    /// <summary>The record's one-time effect had already happened.</summary>
    public static RecordOutcome Deduplicated { get; } = new(RecordOutcomeKind.Deduplicated, default, null, null);

    /// <summary>How the record was handled.</summary>
    public RecordOutcomeKind Kind { get; }

    /// <summary>The failure class when <see cref="Kind"/> is <see cref="RecordOutcomeKind.Failed"/>.</summary>
    public ErrorClass ErrorClass { get; }

    /// <summary>The failure message when <see cref="Kind"/> is <see cref="RecordOutcomeKind.Failed"/>.</summary>
    public string? Error { get; }

    /// <summary>How long the destination asked to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The record failed.</summary>
    /// <param name="errorClass">The failure's class, which decides retry, dead-letter or stop.</param>
    /// <param name="error">A message naming what is wrong.</param>
    /// <param name="retryAfter">How long the destination asked to wait, if it said.</param>
    /// <returns>The outcome.</returns>
    public static RecordOutcome Failed(ErrorClass errorClass, string error, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(RecordOutcomeKind.Failed, errorClass, error, retryAfter);
    }
}
