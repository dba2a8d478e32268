namespace SyncKit.Health.Internal;

/// <summary>
/// Remembers one job's dead-letter queue sizes as the monitor observes them, to tell its growth over a window.
/// Thread-safe.
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
            _sizes.Add((now, size));
            var baseline = _sizes.FindLastIndex(s => s.At <= now - window);
            if (baseline > 0)
            {
                _sizes.RemoveRange(0, baseline);
            }

            return size - _sizes[0].Size;
        }
    }
}
