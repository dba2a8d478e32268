using System.Net;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Reads every page of a VOMO list once, for reconciliation, replay and backfill, <see cref="ConcurrentRequests"/> at
/// a time (each request still keeps to the token's budget in the client), as far as <see cref="PageBounds"/> allows. These reads are
/// one stream to the engine, so a failed page would end the whole pass: a transient failure of one page is retried
/// here (after VOMO's <c>Retry-After</c> when it sent one) instead of starting over. Items are keyed by id, the
/// newest version winning, because live offsets can show one item twice; a key listing keeps only ids, since it
/// covers the whole tenant. An item a shifting offset skips shows up as
/// a key the destination has and the listing lacks, which reconciliation confirms by id before it deletes anything.
/// </summary>
internal static class FullListing
{
    /// <summary>
    /// How many requests of one listing (or of one window's groups' members) are in flight at once: enough to hide
    /// the round trip, few enough that a token's budget is not spent in one burst. Groups read this many at a time
    /// each read their member pages this many at a time, so more may wait for a turn at once; the token's budget in
    /// the client, not this, bounds the request rate.
    /// </summary>
    public const int ConcurrentRequests = 4;

    private const int MaxAttempts = 6;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads every item of a list, in id order.</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(VomoClient client, VomoResource<T> resource, VomoListQuery query, CancellationToken cancellationToken)
        where T : class
    {
        var items = await ReadPagesAsync(client, (page, token) => client.ListAsync(resource, query, page, token), item => item, cancellationToken).ConfigureAwait(false);
        var latest = new Dictionary<long, T>();
        foreach (var item in items)
        {
            var id = resource.IdOf(item);
            if (!latest.TryGetValue(id, out var seen) || resource.UpdatedAtOf(item) > resource.UpdatedAtOf(seen))
            {
                latest[id] = item;
            }
        }

        return [.. latest.Values.OrderBy(resource.IdOf)];
    }

    /// <summary>
    /// Reads the ids of every item of a list, ascending and each once, for a key listing: only the ids are kept as the
    /// pages arrive, 8 bytes an item where <see cref="ReadAsync"/> keeps the items, since a key listing covers the
    /// whole tenant.
    /// </summary>
    public static async Task<IReadOnlyList<long>> ReadIdsAsync<T>(VomoClient client, VomoResource<T> resource, VomoListQuery query, CancellationToken cancellationToken)
        where T : class =>
        AscendingOnce(await ReadPagesAsync(client, (page, token) => client.ListAsync(resource, query, page, token), resource.IdOf, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads a group's members' ids, ascending; <see langword="null"/> when the group is gone.</summary>
    public static async Task<IReadOnlyList<long>?> ReadMembersAsync(VomoClient client, long groupId, CancellationToken cancellationToken)
    {
        try
        {
            // Only ids are kept as the pages arrive: a group may hold most of the tenant.
            return AscendingOnce(await ReadPagesAsync(client, (page, token) => client.ListGroupMembersAsync(groupId, page, token), u => u.Id, cancellationToken).ConfigureAwait(false));
        }
        catch (VomoApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/> for each input, <see cref="ConcurrentRequests"/> at a time; the results are in the
    /// inputs' order, whichever finished first. The first failure cancels the rest and is thrown.
    /// </summary>
    public static async Task<TResult[]> ReadEachAsync<TInput, TResult>(IReadOnlyList<TInput> inputs, Func<TInput, CancellationToken, Task<TResult>> read, CancellationToken cancellationToken)
    {
        var results = new TResult[inputs.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentRequests, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count), parallel, async (i, token) =>
            results[i] = await read(inputs[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <summary>Reads every page, keeping <paramref name="keep"/> of each item as its page arrives (and not the page).</summary>
    private static async Task<List<TKept>> ReadPagesAsync<T, TKept>(VomoClient client, Func<int, CancellationToken, Task<VomoPage<T>>> read, Func<T, TKept> keep, CancellationToken cancellationToken)
    {
        Task<VomoPage<T>> ReadPageAsync(int page, CancellationToken token) => RetryAsync(client.Time, t => read(page, t), token);

        // A few pages at a time, never past what the newest page's total allows (the list may grow or shrink while it
        // is read), and never past the first empty page: the server's numbers bound nothing on their own.
        var last = await ReadPageAsync(1, cancellationToken).ConfigureAwait(false);
        var items = new List<TKept>(last.Data.Select(keep));
        for (var number = 1; !PageBounds.IsLast(last, number);)
        {
            var round = (int)Math.Min(ConcurrentRequests, PageBounds.PageCount(last.Meta) - number);
            foreach (var page in await ReadEachAsync([.. Enumerable.Range(number + 1, round)], ReadPageAsync, cancellationToken).ConfigureAwait(false))
            {
                number++;
                last = page;
                items.AddRange(page.Data.Select(keep));
                if (PageBounds.IsLast(page, number))
                {
                    break;
                }
            }
        }

        return items;
    }

    /// <summary>Sorts the ids and drops repeats (live offsets can show an item twice) in place, without a set beside them.</summary>
    private static List<long> AscendingOnce(List<long> ids)
    {
        ids.Sort();
        var kept = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            if (kept == 0 || ids[kept - 1] != ids[i])
            {
                ids[kept++] = ids[i];
            }
        }

        ids.RemoveRange(kept, ids.Count - kept);
        return ids;
    }

    private static async Task<TResult> RetryAsync<TResult>(TimeProvider time, Func<CancellationToken, Task<TResult>> call, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(cancellationToken).ConfigureAwait(false);
            }
            catch (VomoApiException ex) when (attempt < MaxAttempts && ex.ErrorClass.IsRetryable())
            {
                await Task.Delay(ex.RetryAfter ?? backoff, time, cancellationToken).ConfigureAwait(false);
                backoff *= 2;
            }
        }
    }
}
