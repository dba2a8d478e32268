using System.Collections;

namespace SyncKit.Engine.Internal;

/// <summary>
/// A batch's records as its destination sees them: read through to the pages they came from, so a batch costs an
/// index per record instead of a copy of each. The destination may keep the list; it never changes.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="pages">The page of each gathered chunk.</param>
/// <param name="ends">Where each chunk's records end in the batch.</param>
/// <param name="indexes">Each record's index in its page.</param>
internal sealed class GatheredRecords<T>(IReadOnlyList<SourceRecord<T>>[] pages, int[] ends, int[] indexes) : IReadOnlyList<SourceRecord<T>>
{
    public int Count => indexes.Length;

    // The chunk the last lookup found: destinations mostly read in order, so the next record is usually in it.
    // A stale value from another thread only costs a scan; every lookup checks the bounds itself.
    private int _lastChunk;

    public SourceRecord<T> this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)indexes.Length, nameof(index));
            var chunk = _lastChunk;
            if (index >= ends[chunk] || (chunk > 0 && index < ends[chunk - 1]))
            {
                // A batch gathers a few chunks, so a scan finds the page.
                chunk = 0;
                while (index >= ends[chunk])
                {
                    chunk++;
                }

                _lastChunk = chunk;
            }

            return pages[chunk][indexes[index]];
        }
    }

    public IEnumerator<SourceRecord<T>> GetEnumerator()
    {
        var start = 0;
        for (var chunk = 0; chunk < pages.Length; chunk++)
        {
            for (var i = start; i < ends[chunk]; i++)
            {
                yield return pages[chunk][indexes[i]];
            }

            start = ends[chunk];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
