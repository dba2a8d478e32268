namespace SyncKit.Tests.Engine.Support;

/// <summary>
/// A source over a fixed list that, unlike <c>ScriptedSource</c>, keeps every change of a key (one key may
/// appear many times at increasing positions). Serves pages in position order.
/// </summary>
public sealed class ListSource<T>(IEnumerable<SourceRecord<T>> records) : ISource<T>
{
    private readonly SourceRecord<T>[] _records = [.. records.OrderBy(r => r.Position)];
    private int _reads;

    /// <summary>How many pages were read.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var page = _records.Where(r => after is null || r.Position.CompareTo(after) > 0).Take(context.PageSize + 1).ToList();
        var hasMore = page.Count > context.PageSize;
        return ValueTask.FromResult(new SourcePage<T>(hasMore ? page[..context.PageSize] : page, hasMore));
    }
}
