namespace SyncKit.Testing;

/// <summary>
/// A source over an in-memory, mutable list of records, served in <see cref="Cursor"/> order one page at a
/// time. Records can be added at any time (late arrivals with old timestamps included), removed (deleted at the
/// source) or hidden from key listings, and faults can be queued for the next reads. It has every
/// reconciliation capability: windows, key listing and lookup by key.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class ScriptedSource<T> : IWindowedSource<T>, IKeyListingSource, IKeyLookupSource<T>
{
    private readonly Lock _sync = new();
    private readonly SortedDictionary<Cursor, SourceRecord<T>> _records = new();
    private readonly Dictionary<string, Cursor> _positions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hidden = new(StringComparer.Ordinal);
    private readonly Queue<Exception> _faults = new();
    private int _lookups;

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

    /// <summary>How many records were fetched by key.</summary>
    public int Lookups => Volatile.Read(ref _lookups);

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
            RemoveLocked(record.Key);
            _records[record.Position] = record;
            _positions[record.Key] = record.Position;
        }
    }

    /// <summary>Deletes a record at the source: it is no longer read, listed or found by key.</summary>
    /// <param name="key">The record's key.</param>
    /// <returns>Whether the source held the key.</returns>
    public bool Remove(string key)
    {
        lock (_sync)
        {
            return RemoveLocked(key);
        }
    }

    /// <summary>
    /// Leaves a key out of <see cref="ListKeysAsync"/> while it can still be read and found by key, as when a
    /// listing's scope or filter changes.
    /// </summary>
    /// <param name="key">The record's key.</param>
    public void HideFromListing(string key)
    {
        lock (_sync)
        {
            _hidden.Add(key);
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

    /// <inheritdoc />
    public IAsyncEnumerable<SourceRecord<T>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            List<SourceRecord<T>> window = [.. _records.Values.Where(r => r.Position.Timestamp is { } at && at >= from && at < to)];
            return window.ToAsyncEnumerable();
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            List<string> keys = [.. _positions.Keys.Where(k => !_hidden.Contains(k))];
            return keys.ToAsyncEnumerable();
        }
    }

    /// <inheritdoc />
    public ValueTask<SourceRecord<T>?> GetAsync(JobId job, string key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lookups);
        lock (_sync)
        {
            return ValueTask.FromResult(_positions.TryGetValue(key, out var position) ? _records[position] : (SourceRecord<T>?)null);
        }
    }

    private bool RemoveLocked(string key)
    {
        if (!_positions.Remove(key, out var position))
        {
            return false;
        }

        _records.Remove(position);
        return true;
    }
}
