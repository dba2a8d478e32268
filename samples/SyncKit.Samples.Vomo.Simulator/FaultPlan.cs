using System.Collections.Concurrent;
using System.Globalization;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>A fault the simulator injects into one response.</summary>
internal enum SimFault
{
    None,
    ServerError,
    Unavailable,
    UnavailableWithRetryAfter,
    Slow,
    DropConnection,
    LoseResponse,
}

/// <summary>
/// Decides each request's fault from the seed, the request (token, method, path and query) and how many times
/// that same request was made before. The same client behaviour meets the same faults whatever the timing.
/// </summary>
internal sealed class FaultPlan(int seed)
{
    private readonly ConcurrentDictionary<string, int> _repeats = new(StringComparer.Ordinal);

    public FaultOptions Options { get; set; } = FaultOptions.None;

    public SimFault Decide(string token, string method, string target)
    {
        var options = Options;
        if (options == FaultOptions.None)
        {
            return SimFault.None;
        }

        var key = string.Concat(token, " ", method, " ", target);
        var repeat = _repeats.AddOrUpdate(key, 0, (_, n) => n + 1);
        var roll = StableHash.Unit(seed, "fault", key, repeat.ToString(CultureInfo.InvariantCulture));
        var creates = method == "POST" && target.EndsWith("/groups", StringComparison.Ordinal);
        (SimFault Fault, double Share)[] table =
        [
            (SimFault.LoseResponse, creates ? options.LostCreateResponses : 0),
            (SimFault.ServerError, options.ServerErrors),
            (SimFault.Unavailable, options.Unavailable / 2),
            (SimFault.UnavailableWithRetryAfter, options.Unavailable / 2),
            (SimFault.Slow, options.SlowResponses),
            (SimFault.DropConnection, options.DroppedConnections),
        ];
        foreach (var (fault, share) in table)
        {
            if (roll < share)
            {
                return fault;
            }

            roll -= share;
        }

        return SimFault.None;
    }
}
