namespace SyncKit.Engine.Internal;

/// <summary>
/// Tracks records in read order and yields the low watermark: the position of the last record such that
/// it and every record read before it are done. Records complete in any order; the watermark only moves
/// forward, and never past an unfinished record. Thread-safe.
/// </summary>
/// <remarks>
/// Slots live in a ring buffer indexed by sequence number, so registering and completing are O(1) and
/// allocate nothing in steady state. Its size is bounded by the records in flight: the reader waits for room
/// (<see cref="WaitForRoomAsync"/>) before each page.
/// </remarks>
internal sealed class WatermarkTracker
{
    private readonly Lock _sync = new();
    private Slot[] _slots = new Slot[256];
    private long _head;
    private long _next;
    private TaskCompletionSource? _room;
    private int _roomBelow;

    public WatermarkTracker(Cursor? start) => Watermark = start;

    /// <summary>The highest position at or below which everything is done.</summary>
    public Cursor? Watermark { get; private set; }

    /// <summary>How many registered positions are not yet below the watermark.</summary>
    public int PendingCount
    {
        get
        {
            lock (_sync)
            {
                return (int)(_next - _head);
            }
        }
    }

    /// <summary>
    /// Completes once fewer than <paramref name="limit"/> registered positions are above the watermark: the reader waits
    /// here, so a record stuck at the head (retried for minutes while other partitions write on) bounds how much the run
    /// holds, however its keys fall into partitions.
    /// </summary>
    public ValueTask WaitForRoomAsync(int limit, CancellationToken cancellationToken)
    {
        Task room;
        lock (_sync)
        {
            if (_next - _head < limit)
            {
                return ValueTask.CompletedTask;
            }

            _roomBelow = limit;
            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            room = _room.Task;
        }

        return new ValueTask(room.WaitAsync(cancellationToken));
    }

    /// <summary>Registers the next record in read order and returns its sequence number.</summary>
    public long Register(Cursor position)
    {
        lock (_sync)
        {
            return Append(position, done: false);
        }
    }

    /// <summary>Registers <paramref name="count"/> records in read order under one lock and returns the first one's sequence number.</summary>
    public long RegisterRange<TState>(int count, TState state, Func<TState, int, Cursor> positionAt)
    {
        lock (_sync)
        {
            var first = _next;
            for (var i = 0; i < count; i++)
            {
                Append(positionAt(state, i), done: false);
            }

            return first;
        }
    }

    /// <summary>Registers a position that is done as soon as everything before it is (a page's continuation).</summary>
    public void RegisterMarker(Cursor position)
    {
        lock (_sync)
        {
            Append(position, done: true);
            Advance();
        }
    }

    /// <summary>Marks records done and returns the watermark afterwards.</summary>
    public Cursor? Complete(IEnumerable<long> sequences)
    {
        lock (_sync)
        {
            foreach (var sequence in sequences)
            {
                MarkDone(sequence);
            }

            Advance();
            return Watermark;
        }
    }

    /// <summary>Marks records done and returns the watermark afterwards; allocation-free.</summary>
    public Cursor? CompleteAll(ReadOnlySpan<long> sequences)
    {
        lock (_sync)
        {
            foreach (var sequence in sequences)
            {
                MarkDone(sequence);
            }

            Advance();
            return Watermark;
        }
    }

    private void MarkDone(long sequence)
    {
        if (sequence < _head || sequence >= _next)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, "The sequence is not pending.");
        }

        _slots[IndexOf(sequence)].Done = true;
    }

    private long Append(Cursor position, bool done)
    {
        if (_next - _head == _slots.Length)
        {
            Grow();
        }

        var sequence = _next++;
        _slots[IndexOf(sequence)] = new Slot(position, done);
        return sequence;
    }

    private void Grow()
    {
        var larger = new Slot[_slots.Length * 2];
        for (var sequence = _head; sequence < _next; sequence++)
        {
            larger[sequence & (larger.Length - 1)] = _slots[IndexOf(sequence)];
        }

        _slots = larger;
    }

    private void Advance()
    {
        while (_head < _next && _slots[IndexOf(_head)].Done)
        {
            ref var slot = ref _slots[IndexOf(_head)];

            // Records re-read inside the lookback sit below the stored checkpoint: finishing them must
            // not move the checkpoint back.
            if (Watermark is null || slot.Position.CompareTo(Watermark) > 0)
            {
                Watermark = slot.Position;
            }

            slot = default;
            _head++;
        }

        if (_room is not null && _next - _head < _roomBelow)
        {
            _room.SetResult();
            _room = null;
        }
    }

    // The ring's length is a power of two, so a mask finds the slot (no division per record).
    private int IndexOf(long sequence) => (int)(sequence & (_slots.Length - 1));

    private record struct Slot(Cursor Position, bool Done);
}
