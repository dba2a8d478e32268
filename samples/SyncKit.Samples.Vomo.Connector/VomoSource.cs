using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Samples.Vomo.Connector.Internal;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// Polls one VOMO list (users or projects) for one organization, correct under live offset pages, whole-second
/// ties and replica lag without trusting the list's order: see <see cref="VomoSourceOptions"/>. Each call hands on
/// one page (and, when <see cref="VomoSourceOptions.ReadAheadPages"/> is set, keeps a few pages after it in flight);
/// only a read the call itself makes can fail it, so the engine's retries and breaker govern the reads, and the
/// client keeps every read, ahead or not, to the token's request budget.
/// Reconciliation, replay and backfill read whole windows and key listings (<see cref="IWindowedSource{T}"/>,
/// <see cref="IKeyListingSource"/>) and confirm deletions with <c>GET /{resource}/{id}</c> (<see cref="IKeyLookupSource{T}"/>).
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class VomoSource<T> : IWindowedSource<T>, IKeyListingSource, IKeyLookupSource<T>
    where T : class
{
    private readonly VomoClient _client;
    private readonly VomoResource<T> _resource;
    private readonly WindowReader<T> _reader;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The organization's client.</param>
    /// <param name="resource">The list to poll, e.g. <see cref="VomoResources.Users"/>.</param>
    /// <param name="options">How windows are read; defaults to <see cref="VomoSourceOptions"/>' defaults.</param>
    /// <param name="logger">Where window progress is logged.</param>
    public VomoSource(VomoClient client, VomoResource<T> resource, VomoSourceOptions? options = null, ILogger? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _resource = resource ?? throw new ArgumentNullException(nameof(resource));
        _reader = new WindowReader<T>(client, resource, options ?? new VomoSourceOptions(), logger ?? NullLogger.Instance);
    }

    /// <inheritdoc />
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var page = await _reader.ReadAsync(after, context, cancellationToken).ConfigureAwait(false);
        return new SourcePage<T>(page.Records, page.HasMore, page.Next);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<SourceRecord<T>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var items = await FullListing.ReadAsync(_client, _resource, new VomoListQuery(UpdatedAfter: from), cancellationToken).ConfigureAwait(false);
        foreach (var item in items.Where(i => _resource.UpdatedAtOf(i) >= from && _resource.UpdatedAtOf(i) < to).OrderBy(_resource.UpdatedAtOf).ThenBy(_resource.IdOf))
        {
            yield return Record(item);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListKeysAsync(JobId job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await FullListing.ReadIdsAsync(_client, _resource, VomoListQuery.All, cancellationToken).ConfigureAwait(false))
        {
            yield return id.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SourceRecord<T>?> GetAsync(JobId job, string key, CancellationToken cancellationToken) =>
        await _client.GetAsync(_resource, VomoResources.IdOf(key), cancellationToken).ConfigureAwait(false) is { } item ? Record(item) : null;

    private SourceRecord<T> Record(T item) => new(_resource.KeyOf(item), Cursor.At(_resource.UpdatedAtOf(item), _resource.KeyOf(item)), item);
}
