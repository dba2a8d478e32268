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
