namespace SyncKit;

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
