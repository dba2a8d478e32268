namespace SyncKit;

/// <summary>A source that can list every key it holds (full reconciliation, deletion detection).</summary>
public interface IKeyListingSource
{
    /// <summary>Lists every key currently present at the source.</summary>
    /// <param name="job">The job reading.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys.</returns>
    IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken);
}
