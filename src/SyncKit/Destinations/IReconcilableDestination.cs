namespace SyncKit;

/// <summary>
/// A destination that can say what it holds, so reconciliation can compare it with the source: list its keys
/// with their versions, read rows by key, and delete (or soft-delete) rows whose source record is gone.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>
/// Versions are opaque strings compared for equality: a row whose version equals
/// <see cref="VersionOf"/> of a source record holds exactly that change. Reconciliation only reads through
/// this interface, except for <see cref="DeleteAsync"/>; everything it repairs goes through
/// <see cref="IDestination{T}.WriteAsync"/> like any other write.
/// </remarks>
public interface IReconcilableDestination<T>
{
    /// <summary>Lists every key the destination holds for a job, with its version. Deleted rows are left out.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The keys, in any order, each once.</returns>
    IAsyncEnumerable<DestinationKey> ListKeysAsync(JobId job, CancellationToken cancellationToken);

    /// <summary>Reads the rows with the given keys. Keys the destination does not hold, or holds deleted, are left out.</summary>
    /// <param name="job">The job.</param>
    /// <param name="keys">The keys, at most one batch (<see cref="SyncJobOptions.BatchSize"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows found, in any order.</returns>
    ValueTask<IReadOnlyList<DestinationRow<T>>> GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>The version the destination holds once it has written <paramref name="record"/>.</summary>
    /// <param name="record">A record read from the source.</param>
    /// <returns>The version, comparable with <see cref="DestinationKey.Version"/> and <see cref="DestinationRow{T}.Version"/>.</returns>
    string VersionOf(SourceRecord<T> record);

    /// <summary>
    /// Deletes the rows with the given keys, or marks them deleted, as the destination propagates deletions.
    /// Keys it does not hold are ignored. Must be idempotent.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="keys">The keys whose source records are confirmed gone, at most one batch.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task that completes when the deletes are durable.</returns>
    ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken);
}
