using System.Globalization;

namespace SyncKit.Sources.Internal;

/// <summary>
/// Serves a fixed list of records as pages, for runs that re-process records already fetched (reconciliation
/// repairs). Pages continue by index, so records whose positions repeat or are unordered are all served.
/// </summary>
internal sealed class ListSource<T>(IReadOnlyList<SourceRecord<T>> records) : ISource<T>
{
    public ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var start = after is null ? 0 : int.Parse(after.Id, CultureInfo.InvariantCulture);
        var end = Math.Min(records.Count, start + context.PageSize);
        var page = new SourceRecord<T>[end - start];
        for (var i = start; i < end; i++)
        {
            page[i - start] = records[i];
        }

        return ValueTask.FromResult(new SourcePage<T>(page, end < records.Count, Cursor.FromSequence(end)));
    }
}
