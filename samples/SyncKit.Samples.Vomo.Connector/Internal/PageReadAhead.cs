namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Keeps the next few pages of one pass in flight while the engine writes the page before them: VOMO's pages are
/// fixed at 15 items, so a reader that waits for each page before asking for the next spends a round trip per 15 rows.
/// </summary>
/// <remarks>
/// A page read ahead is only that offset read a little earlier, which the window's passes tolerate like any other
/// shift of live offsets. A read ahead that fails is dropped and the page is read again when it is asked for, so
/// every failure the engine sees (and retries, honouring <c>Retry-After</c>) comes from a read it asked for. Each
/// read ahead waits for its turn in the <see cref="VomoClient"/> like any other request: a permit of the token's
/// budget, and the end of any <c>Retry-After</c> the server sent, so reading ahead never spends more than the budget.
/// </remarks>
internal sealed class PageReadAhead<T>(VomoClient client, VomoResource<T> resource, VomoListQuery query, int depth) : IDisposable
    where T : class
{
    private readonly Dictionary<int, Task<VomoPage<T>?>> _ahead = [];
    private CancellationTokenSource _abandon = new();

    /// <summary>Reads page <paramref name="page"/> (from what was read ahead when it is there) and reads on past it.</summary>
    public async Task<VomoPage<T>> ReadAsync(int page, CancellationToken cancellationToken)
    {
        var result = _ahead.Remove(page, out var ahead) ? await ahead.WaitAsync(cancellationToken).ConfigureAwait(false) : null;
        result ??= await client.ListAsync(resource, query, page, cancellationToken).ConfigureAwait(false);
        if (!PageBounds.IsLast(result, page))
        {
            // Not past the last page the list's total allows: a pass ends there, and the next pass reads afresh.
            var last = (int)Math.Min(page + depth, PageBounds.PageCount(result.Meta));
            for (var next = page + 1; next <= last; next++)
            {
                if (!_ahead.ContainsKey(next))
                {
                    _ahead[next] = ReadAheadAsync(next, _abandon.Token);
                }
            }
        }

        return result;
    }

    /// <summary>Drops every page read ahead: a new pass must read each offset afresh.</summary>
    public void Reset()
    {
        _ahead.Clear();
        _abandon.Cancel();
        _abandon.Dispose();
        _abandon = new CancellationTokenSource();
    }

    public void Dispose()
    {
        _ahead.Clear();
        _abandon.Cancel();
        _abandon.Dispose();
    }

    private async Task<VomoPage<T>?> ReadAheadAsync(int page, CancellationToken abandon)
    {
        try
        {
            return await client.ListAsync(resource, query, page, abandon).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is VomoApiException or OperationCanceledException)
        {
            return null;
        }
    }
}
