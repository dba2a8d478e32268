namespace SyncKit;

/// <summary>
/// A destination that can write a record whatever version it holds: the one way past its stale-write check, for an
/// operator's force repair (<see cref="RepairOperations.ForceRepairAsync{T}"/>). A record whose version went
/// backwards at the source (stamped before a version the destination already holds, as a transaction that waited on
/// a lock can stamp it) is skipped by every ordinary write, polling and reconciliation's repairs alike, for ever.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>
/// The engine never calls this on its own: only an operator's explicit action does, and it is recorded in run
/// history with who asked, why, and an audit entry per record. A destination that cannot write regardless of
/// version simply does not implement this interface; a force repair of its job then fails before anything is read.
/// </remarks>
public interface IOverwritableDestination<T>
{
    /// <summary>
    /// Writes every record of the batch, replacing the row the destination holds whatever its version, exactly as
    /// <see cref="IDestination{T}.WriteAsync"/> writes a newer one otherwise (same transaction, same side effects).
    /// </summary>
    /// <param name="batch">The records and their context.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// One outcome per record of <see cref="DestinationBatch{T}.Records"/>, in the same order: written, or failed as
    /// an ordinary write fails. Skipped only if the row cannot be replaced at all; the record then stays unrepaired.
    /// </returns>
    ValueTask<IReadOnlyList<RecordOutcome>> OverwriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken);
}
