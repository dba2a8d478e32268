namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>A token bucket on the injected clock: the per-token request budget.</summary>
internal sealed class TokenBucket(RateLimitOptions options, TimeProvider time)
{
    private readonly Lock _sync = new();
    private double _tokens = options.Burst;
    private long _refilledAt = time.GetTimestamp();

    /// <summary>Takes one permit, or returns how long until one is available.</summary>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_sync)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(options.Burst, _tokens + (time.GetElapsedTime(_refilledAt, now).TotalSeconds * options.PermitsPerSecond));
            _refilledAt = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / options.PermitsPerSecond);
            return false;
        }
    }
}
