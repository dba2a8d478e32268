using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>Circuit breaker settings (per source, and per tenant destination).</summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>The failure ratio over <see cref="SamplingDuration"/> that opens the breaker.</summary>
    /// <value>Default 0.5.</value>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls in <see cref="SamplingDuration"/> before the breaker may open.</summary>
    /// <value>Default 5.</value>
    [Range(2, 100_000)]
    public int MinimumThroughput { get; set; } = 5;

    /// <summary>The window over which failures are counted.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the breaker stays open before letting a trial call through.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
