using System.Net;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Reads every page of a VOMO list once, for reconciliation, replay and backfill. These reads are one stream to
/// the engine, so a failed page would end the whole pass: a transient failure of one page is retried here (after
/// VOMO's <c>Retry-After</c> when it sent one) instead of starting over. Items are keyed by id, the last version
/// read winning, because live offsets can show one item twice. An item a shifting offset skips shows up as a
/// key the destination has and the listing lacks, which reconciliation confirms by id before it deletes anything.
/// </summary>
internal static class FullListing
{
    private const int MaxAttempts = 6;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads every item of a list, in id order.</summary>
    public static async Task<IReadOnlyList<T>> ReadAsync<T>(VomoClient client, VomoResource<T> resource, VomoListQuery query, CancellationToken cancellationToken)
        where T : class
    {
        var items = await ReadPagesAsync(client, (page, token) => client.ListAsync(resource, query, page, token), cancellationToken).ConfigureAwait(false);
        var latest = new Dictionary<long, T>();
        foreach (var item in items)
        {
            latest[resource.IdOf(item)] = item;
        }

        return [.. latest.Values.OrderBy(resource.IdOf)];
    }

    /// <summary>Reads a group's members' ids, ascending; <see langword="null"/> when the group is gone.</summary>
    public static async Task<IReadOnlyList<long>?> ReadMembersAsync(VomoClient client, long groupId, CancellationToken cancellationToken)
    {
        try
        {
            var members = await ReadPagesAsync(client, (page, token) => client.ListGroupMembersAsync(groupId, page, token), cancellationToken).ConfigureAwait(false);
            return [.. members.Select(u => u.Id).Distinct().Order()];
        }
        catch (VomoApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<List<T>> ReadPagesAsync<T>(VomoClient client, Func<int, CancellationToken, Task<VomoPage<T>>> read, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        for (var page = 1; ; page++)
        {
            var result = await RetryAsync(client.Time, token => read(page, token), cancellationToken).ConfigureAwait(false);
            items.AddRange(result.Data);
            if (result.Links.Next is null || result.Data.Count == 0)
            {
                return items;
            }
        }
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
