using System.Globalization;
using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// How hard the sample leans on VOMO, whose limits are undocumented: the request budget per token, the request
/// timeout, the replica lag to allow for, and how the engine retries. Read from the <c>Vomo</c> configuration
/// section (<c>Vomo__RequestsPerSecond=40</c>); the defaults suit the real API.
/// </summary>
internal sealed record ConnectionTuning
{
    /// <summary>Requests per second per token; a little under the simulator's documented default of 20.</summary>
    public double RequestsPerSecond { get; init; } = 15;

    /// <summary>How long one request may take before it counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest response body, in bytes, a client reads (a page of 15 is a few kilobytes).</summary>
    public long MaxResponseBytes { get; init; } = VomoConnection.DefaultMaxResponseBytes;

    /// <summary>The longest a change may take to show in VOMO's lists.</summary>
    public TimeSpan ReplicaLag { get; init; } = new VomoSourceOptions().ReplicaLag;

    /// <summary>The first retry delay (it doubles each attempt, with jitter).</summary>
    public TimeSpan RetryBaseDelay { get; init; } = new SyncJobOptions().RetryBaseDelay;

    /// <summary>How often <c>sync --watch</c> polls each tenant.</summary>
    public TimeSpan Cadence { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The tuning the <c>Vomo</c> section sets, over the defaults; a bad value names its setting.</summary>
    public static ConnectionTuning From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Vomo");
        var defaults = new ConnectionTuning();
        return new ConnectionTuning
        {
            RequestsPerSecond = Read(section, nameof(RequestsPerSecond), defaults.RequestsPerSecond, (string text, out double value) =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value is > 0 and <= 10_000),
            RequestTimeout = Read(section, nameof(RequestTimeout), defaults.RequestTimeout, TryDuration),
            MaxResponseBytes = Read(section, nameof(MaxResponseBytes), defaults.MaxResponseBytes, (string text, out long value) =>
                long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1024),
            ReplicaLag = Read(section, nameof(ReplicaLag), defaults.ReplicaLag, TryDuration),
            RetryBaseDelay = Read(section, nameof(RetryBaseDelay), defaults.RetryBaseDelay, TryDuration),
            Cadence = Read(section, nameof(Cadence), defaults.Cadence, TryDuration),
        };
    }

    /// <summary>The source options this tuning calls for.</summary>
    public VomoSourceOptions SourceOptions() => new() { ReplicaLag = ReplicaLag };

    private delegate bool TryParse<T>(string text, out T value);

    private static T Read<T>(IConfigurationSection section, string key, T fallback, TryParse<T> parse)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }

        return parse(text, out var value)
            ? value
            : throw new UsageException($"'Vomo:{key}' has the value '{text}', which is not valid here (durations are hh:mm:ss, rates positive numbers, sizes whole bytes from 1024).");
    }

    private static bool TryDuration(string text, out TimeSpan value) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero && value <= TimeSpan.FromDays(1);
}
