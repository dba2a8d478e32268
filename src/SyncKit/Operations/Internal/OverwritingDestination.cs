namespace SyncKit.Operations.Internal;

/// <summary>
/// The destination of a force repair: the job's own, asked to overwrite rather than write, so a version it holds
/// never skips the record. It writes in the state store's transaction exactly when the job's destination does.
/// </summary>
internal sealed class OverwritingDestination<T>(IDestination<T> destination, IOverwritableDestination<T> overwrite) : IDestination<T>
{
    public bool WritesInStateTransaction => destination.WritesInStateTransaction;

    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        overwrite.OverwriteAsync(batch, cancellationToken);
}
