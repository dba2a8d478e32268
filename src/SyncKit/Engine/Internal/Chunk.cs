using System.Buffers;

namespace SyncKit.Engine.Internal;

/// <summary>
/// One partition's share of a page, at most <see cref="SyncJobOptions.BatchSize"/> records in read order: the page's
/// records at pooled indexes, or a run of them. It refers to the page instead of copying it.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class Chunk<T>
{
    private readonly long _firstSequence;
    private readonly int _offset;
    private int[]? _indexes;

    private Chunk(IReadOnlyList<SourceRecord<T>> page, long firstSequence, int[]? indexes, int offset, int count)
    {
        Page = page;
        _firstSequence = firstSequence;
        _indexes = indexes;
        _offset = offset;
        Count = count;
    }

    /// <summary>The page the records belong to.</summary>
    public IReadOnlyList<SourceRecord<T>> Page { get; }

    public int Count { get; private set; }

    /// <summary>A run of <paramref name="count"/> records of a page from <paramref name="offset"/>.</summary>
    public static Chunk<T> Range(IReadOnlyList<SourceRecord<T>> page, long firstSequence, int offset, int count) =>
        new(page, firstSequence, null, offset, count);

    /// <summary>An empty chunk that <see cref="Add"/> fills with up to <paramref name="capacity"/> of a page's records.</summary>
    public static Chunk<T> Rent(IReadOnlyList<SourceRecord<T>> page, long firstSequence, int capacity) =>
        new(page, firstSequence, ArrayPool<int>.Shared.Rent(capacity), 0, 0);

    /// <summary>Adds the page's record at <paramref name="index"/> and returns the new count.</summary>
    public int Add(int index)
    {
        _indexes![Count] = index;
        return ++Count;
    }

    /// <summary>
    /// Writes the records' indexes in the page and their sequence numbers from <paramref name="at"/> on, then returns
    /// the pooled indexes: a chunk is gathered once.
    /// </summary>
    public void CopyTo(int[] pageIndexes, long[] sequences, int at)
    {
        for (var i = 0; i < Count; i++)
        {
            var index = _indexes is null ? _offset + i : _indexes[i];
            pageIndexes[at + i] = index;
            sequences[at + i] = _firstSequence + index;
        }

        if (_indexes is not null)
        {
            ArrayPool<int>.Shared.Return(_indexes);
            _indexes = null;
        }
    }
}
