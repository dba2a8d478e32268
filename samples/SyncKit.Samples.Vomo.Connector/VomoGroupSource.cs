using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// Polls VOMO's groups for one organization, like <see cref="VomoSource{T}"/>, and reads the members of every
/// group that changed. Membership changes do not move a group's <c>updated_at</c>, so polling sees them only
/// when the group changes; reconciliation re-reads every group's members. One request per call: a page of
/// groups is handed on once all its members are read. Reconciliation, replay and backfill read every group
/// of a window or of the organization with all its members, a few groups and pages at a time
/// (<see cref="Internal.FullListing.ConcurrentRequests"/>); a lookup by key reads the group's member pages likewise.
/// </summary>
public sealed class VomoGroupSource : IWindowedSource<VomoGroupRecord>, IKeyListingSource, IKeyLookupSource<VomoGroupRecord>
{
    private readonly VomoClient _client;
    private readonly WindowReader<VomoGroup> _reader;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<JobId, MemberReads> _pending = new();

    /// <summary>Creates the source.</summary>
    /// <param name="client">The organization's client.</param>
    /// <param name="options">How windows are read; defaults to <see cref="VomoSourceOptions"/>' defaults.</param>
    /// <param name="logger">Where window progress is logged.</param>
    public VomoGroupSource(VomoClient client, VomoSourceOptions? options = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _logger = logger ?? NullLogger.Instance;
        _reader = new WindowReader<VomoGroup>(client, VomoResources.Groups, options ?? new VomoSourceOptions(), _logger);
    }

    /// <inheritdoc />
    public async ValueTask<SourcePage<VomoGroupRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(context.Job, out var pending) || !Equals(pending.WindowPage.Start, after))
        {
            _pending.TryRemove(context.Job, out _);
            var page = await _reader.ReadAsync(after, context, cancellationToken).ConfigureAwait(false);
            if (page.Records.Count == 0)
            {
                return new SourcePage<VomoGroupRecord>([], page.HasMore, page.Next);
            }

            // The page's groups wait for their members; until then the position stays where this read started.
            _pending[context.Job] = new MemberReads(page);
            return new SourcePage<VomoGroupRecord>([], true, page.Start);
        }

        if (!await pending.ReadNextAsync(_client, context.Job, _logger, cancellationToken).ConfigureAwait(false))
        {
            return new SourcePage<VomoGroupRecord>([], true, pending.WindowPage.Start);
        }

        _pending.TryRemove(context.Job, out _);
        return new SourcePage<VomoGroupRecord>(pending.Records, pending.WindowPage.HasMore, pending.WindowPage.Next);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceRecord<VomoGroupRecord>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var groups = await FullListing.ReadAsync(_client, VomoResources.Groups, new VomoListQuery(UpdatedAfter: from), cancellationToken).ConfigureAwait(false);
        List<VomoGroup> inWindow = [.. groups.Where(g => g.UpdatedAt >= from && g.UpdatedAt < to).OrderBy(g => g.UpdatedAt).ThenBy(g => g.Id)];
        var records = await FullListing.ReadEachAsync(inWindow, WithMembersAsync, cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            if (record is { } found)
            {
                yield return found;
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListKeysAsync(JobId job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await FullListing.ReadIdsAsync(_client, VomoResources.Groups, VomoListQuery.All, cancellationToken).ConfigureAwait(false))
        {
            yield return id.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SourceRecord<VomoGroupRecord>?> GetAsync(JobId job, string key, CancellationToken cancellationToken) =>
        await _client.GetAsync(VomoResources.Groups, VomoResources.IdOf(key), cancellationToken).ConfigureAwait(false) is { } group
            ? await WithMembersAsync(group, cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The group with its members read now; <see langword="null"/> when it vanished meanwhile.</summary>
    private async Task<SourceRecord<VomoGroupRecord>?> WithMembersAsync(VomoGroup group, CancellationToken cancellationToken)
    {
        if (await FullListing.ReadMembersAsync(_client, group.Id, cancellationToken).ConfigureAwait(false) is not { } members)
        {
            return null;
        }

        var key = VomoResources.Groups.KeyOf(group);
        return new SourceRecord<VomoGroupRecord>(key, Cursor.At(group.UpdatedAt, key), new VomoGroupRecord(group, members));
    }
}
