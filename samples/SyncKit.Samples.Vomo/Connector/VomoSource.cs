using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// Polls one VOMO list (users or projects) for one organization, correct under live offset pages, whole-second
/// ties and replica lag without trusting the list's order: see <see cref="VomoSourceOptions"/>. Each call hands on
/// one page and keeps a few pages after it in flight (<see cref="VomoSourceOptions.ReadAheadPages"/>); only a read
/// the call itself makes can fail it, so the engine's retries, breaker and rate limiter govern the reads.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class VomoSource<T> : ISource<T>
    where T : class
{
    private readonly WindowReader<T> _reader;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The organization's client.</param>
    /// <param name="resource">The list to poll, e.g. <see cref="VomoResources.Users"/>.</param>
    /// <param name="options">How windows are read; defaults to <see cref="VomoSourceOptions"/>' defaults.</param>
    /// <param name="logger">Where window progress is logged.</param>
    public VomoSource(VomoClient client, VomoResource<T> resource, VomoSourceOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resource);
        _reader = new WindowReader<T>(client, resource, options ?? new VomoSourceOptions(), logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var page = await _reader.ReadAsync(after, context, cancellationToken).ConfigureAwait(false);
        return new SourcePage<T>(page.Records, page.HasMore, page.Next);
    }
}
