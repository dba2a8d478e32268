namespace SyncKit;

/// <summary>A source that can re-read every change inside a time window (incremental reconciliation, replay, backfill).</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IWindowedSource<T> : ISource<T>
{
    /// <summary>Reads every record whose change time lies in <c>[from, to)</c>.</summary>
    /// <param name="job">The job reading.</param>
    /// <param name="from">The inclusive lower bound.</param>
    /// <param name="to">The exclusive upper bound.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records in the window.</returns>
    IAsyncEnumerable<SourceRecord<T>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>A source that can list every key it holds (full reconciliation, deletion detection).</summary>
public interface IKeyListingSource
{
    /// <summary>Lists every key currently present at the source.</summary>
    /// <param name="job">The job reading.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys.</returns>
    IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken);
}

/// <summary>A source that can fetch one record by key (confirming deletions).</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IKeyLookupSource<T>
{
    /// <summary>Fetches the record with <paramref name="key"/>, or <see langword="null"/> when the source no longer has it.</summary>
    /// <param name="job">The job reading.</param>
    /// <param name="key">The record's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    ValueTask<SourceRecord<T>?> GetAsync(JobId job, string key, CancellationToken cancellationToken);
}
