using System.Globalization;

namespace SyncKit.Sources.Internal;

/// <summary>
/// Serves the records a source returns for given keys, a page of keys at a time, for runs over named records (an
/// operator's force repair). The engine reads it like any source, through the source's pipeline; keys the source
/// no longer has are left out. Pages continue by index into the keys.
/// </summary>
internal sealed class KeysSource<T>(IKeyLookupSource<T> source, IReadOnlyList<string> keys) : ISource<T>
{
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var start = after is null ? 0 : int.Parse(after.Id, CultureInfo.InvariantCulture);
        var end = Math.Min(keys.Count, start + context.PageSize);
        var page = new List<SourceRecord<T>>(end - start);
        for (var i = start; i < end; i++)
        {
            if (await source.GetAsync(context.Job, keys[i], cancellationToken).ConfigureAwait(false) is { } record)
            {
                page.Add(record);
            }
        }

        return new SourcePage<T>(page, end < keys.Count, Cursor.FromSequence(end));
    }
}
