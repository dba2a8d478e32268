using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// Polls VOMO's groups for one organization, like <see cref="VomoSource{T}"/>, and reads the members of every
/// group that changed. Membership changes do not move a group's <c>updated_at</c>, so polling sees them only
/// when the group changes; reconciliation re-reads every group's members. One request per call: a page of
/// groups is handed on once all its members are read.
/// </summary>
public sealed class VomoGroupSource : ISource<VomoGroupRecord>
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
}
