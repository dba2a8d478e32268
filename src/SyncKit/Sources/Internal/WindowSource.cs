namespace SyncKit.Sources.Internal;

/// <summary>
/// Serves a window of an <see cref="IWindowedSource{T}"/> as pages, so a backfill or replay runs through the
/// engine's source pipeline (rate limiter, breaker, retries, timeouts) like any read.
/// </summary>
/// <remarks>
/// A window is one stream, so a page read that fails ends it; the retried read starts the window again. Records
/// served before the failure are served twice, which idempotent writes absorb, and none is skipped whatever
/// order the source returns the window in.
/// </remarks>
internal sealed class WindowSource<T>(IWindowedSource<T> source, JobId job, DateTimeOffset from, DateTimeOffset to) : ISource<T>, IAsyncDisposable
{
    private IAsyncEnumerator<SourceRecord<T>>? _records;
    private CancellationTokenSource? _reading;

    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        if (_records is null)
        {
            _reading = new CancellationTokenSource();
            _records = source.ReadWindowAsync(job, from, to, _reading.Token).GetAsyncEnumerator(_reading.Token);
        }

        var page = new List<SourceRecord<T>>(context.PageSize);
        var more = true;
        try
        {
            // The stream was opened by an earlier page; this page's token reaches it through the registration.
            using (cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _reading))
            {
                while (more && page.Count < context.PageSize)
                {
                    more = await _records.MoveNextAsync().ConfigureAwait(false);
                    if (more)
                    {
                        page.Add(_records.Current);
                    }
                }
            }
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }

        if (!more)
        {
            await DisposeAsync().ConfigureAwait(false);
        }

        return new SourcePage<T>(page, more);
    }

    public async ValueTask DisposeAsync()
    {
        if (_records is not null)
        {
            await _records.DisposeAsync().ConfigureAwait(false);
            _records = null;
        }

        _reading?.Dispose();
        _reading = null;
    }
}
