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
