namespace SyncKit.Health.Internal;

/// <summary>
/// Remembers one job's dead-letter queue sizes as the monitor observes them, to tell its growth over a window.
/// Only the observations where the size changed are kept (the size between two of them is the earlier one's), so a job
/// checked every few seconds with a steady queue costs one entry, not one per check. Thread-safe.
/// </summary>
internal sealed class DeadLetterTrend
{
    private readonly Lock _sync = new();
    private readonly List<(DateTimeOffset At, int Size)> _sizes = [];

    /// <summary>Records a size and returns the growth since the window's baseline: the latest observation at or before its start, else the oldest.</summary>
    public int Observe(DateTimeOffset now, int size, TimeSpan window)
    {
        lock (_sync)
        {
            if (_sizes.Count == 0 || _sizes[^1].Size != size)
            {
                _sizes.Add((now, size));
            }

            var baseline = _sizes.FindLastIndex(s => s.At <= now - window);
            if (baseline > 0)
            {
                _sizes.RemoveRange(0, baseline);
            }

            return size - _sizes[0].Size;
        }
    }

    /// <summary>How many observations are kept.</summary>
    internal int Kept
    {
        get
        {
            lock (_sync)
            {
                return _sizes.Count;
            }
        }
    }
}
