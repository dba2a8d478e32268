using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>The dead-letter queue's re-drive schedule.</summary>
public sealed class DeadLetterSettings
{
    /// <summary>Attempts (the first failure included) after which an entry is parked for an operator.</summary>
    /// <value>Default 10.</value>
    [Range(1, 1_000)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait before the first re-drive; it doubles each attempt.</summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between re-drives.</summary>
    /// <value>Default 6 hours.</value>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>The most due entries re-driven automatically at the start of one run.</summary>
    /// <value>
    /// Default 500. 0 turns the automatic re-drive off; an operator's retry (<see cref="DeadLetterOperations.RetryNowAsync{T}"/>)
    /// re-drives the entries it names whatever this says.
    /// </value>
    [Range(0, 1_000_000)]
    public int RedriveBatchLimit { get; set; } = 500;

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1.</summary>
    /// <param name="attempts">Attempts made so far (at least 1).</param>
    /// <returns>The delay: <see cref="BaseDelay"/> × 2^(attempts − 1), at most <see cref="MaxDelay"/>.</returns>
    public TimeSpan DelayAfter(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 40));
        var ticks = Math.Min(BaseDelay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
