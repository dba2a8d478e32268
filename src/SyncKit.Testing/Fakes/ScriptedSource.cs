namespace SyncKit.Testing;

/// <summary>
/// A source over an in-memory, mutable list of records, served in <see cref="Cursor"/> order one page at a
/// time. Records can be added at any time (late arrivals with old timestamps included), and faults can be
/// queued for the next reads.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class ScriptedSource<T> : ISource<T>
{
    private readonly Lock _sync = new();
    private readonly SortedDictionary<Cursor, SourceRecord<T>> _records = new();
    private readonly Queue<Exception> _faults = new();

    /// <summary>Creates a source with the given records.</summary>
    /// <param name="records">The initial records.</param>
    public ScriptedSource(IEnumerable<SourceRecord<T>>? records = null)
    {
        foreach (var record in records ?? [])
        {
            Add(record);
        }
    }

    /// <summary>How many pages were read (failed reads included).</summary>
    public int Reads { get; private set; }

    /// <summary>The page size to serve; <see langword="null"/> serves what the engine asks for.</summary>
    public int? PageSize { get; set; }

    /// <summary>Called before each read with the cursor read after; a test can block or throw here.</summary>
    public Func<Cursor?, CancellationToken, ValueTask>? BeforeRead { get; set; }

    /// <summary>Adds or replaces a record (the same key at an older position is removed).</summary>
    /// <param name="record">The record.</param>
    public void Add(SourceRecord<T> record)
    {
        lock (_sync)
        {
            foreach (var stale in _records.Where(p => p.Value.Key == record.Key).Select(p => p.Key).ToList())
            {
                _records.Remove(stale);
            }

            _records[record.Position] = record;
        }
    }

    /// <summary>Makes the next read fail with <paramref name="exception"/> (queued faults fail successive reads).</summary>
    /// <param name="exception">The failure.</param>
    public void FailNextRead(Exception exception)
    {
        lock (_sync)
        {
            _faults.Enqueue(exception);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        if (BeforeRead is { } beforeRead)
        {
            await beforeRead(after, cancellationToken).ConfigureAwait(false);
        }

        lock (_sync)
        {
            Reads++;
            if (_faults.TryDequeue(out var fault))
            {
                throw fault;
            }

            var size = PageSize ?? context.PageSize;
            var page = _records
                .Where(p => after is null || p.Key.CompareTo(after) > 0)
                .Take(size + 1)
                .Select(p => p.Value)
                .ToList();
            var hasMore = page.Count > size;
            return new SourcePage<T>(hasMore ? page[..size] : page, hasMore);
        }
    }
}
