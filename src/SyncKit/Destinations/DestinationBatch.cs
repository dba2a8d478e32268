namespace SyncKit;

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
