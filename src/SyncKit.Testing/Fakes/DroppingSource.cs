namespace SyncKit.Testing;

/// <summary>
/// Wraps a <see cref="ScriptedSource{T}"/> and silently leaves chosen records out of its polling pages, the way
/// a buggy API loses rows, while windows, key listings and lookups by key still return them. Polling moves past
/// the lost records; only reconciliation can find them.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class DroppingSource<T> : IWindowedSource<T>, IKeyListingSource, IKeyLookupSource<T>
{
    private readonly ScriptedSource<T> _inner;
    private readonly Func<string, bool> _drops;

    /// <summary>Creates the source.</summary>
    /// <param name="inner">The records.</param>
    /// <param name="drops">Whether polling loses the record with a key; asked on every read, so answer consistently.</param>
    public DroppingSource(ScriptedSource<T> inner, Func<string, bool> drops)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _drops = drops ?? throw new ArgumentNullException(nameof(drops));
    }

    /// <inheritdoc />
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var page = await _inner.ReadPageAsync(after, context, cancellationToken).ConfigureAwait(false);
        if (page.Records.Count == 0)
        {
            return page;
        }

        // The next page still starts after the last record served by the API, lost or not.
        var kept = page.Records.Where(r => !_drops(r.Key)).ToList();
        return new SourcePage<T>(kept, page.HasMore, page.Next ?? page.Records[^1].Position);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<SourceRecord<T>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        _inner.ReadWindowAsync(job, from, to, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken) =>
        _inner.ListKeysAsync(job, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SourceRecord<T>?> GetAsync(JobId job, string key, CancellationToken cancellationToken) =>
        _inner.GetAsync(job, key, cancellationToken);
}
