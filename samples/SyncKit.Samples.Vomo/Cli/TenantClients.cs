using System.Threading.RateLimiting;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// Each tenant's VOMO client, created once with the tenant's request budget. VOMO's limit is per token, so every
/// request for a tenant — its three jobs' polls, pages read ahead, reconciliation's listings and lookups, the groups
/// push — takes a permit of that one budget in the client, and one tenant's budget never slows another.
/// </summary>
internal sealed class TenantClients(HttpClient http, Uri vomoUrl, IReadOnlyDictionary<string, string> tokens, ConnectionTuning tuning, TimeProvider time) : IDisposable
{
    private readonly Dictionary<string, (VomoClient Client, RateLimiter Budget)> _clients = [];
    private readonly Lock _sync = new();

    /// <summary>The tenant's client; every call for one tenant answers the same client.</summary>
    public VomoClient this[string tenant]
    {
        get
        {
            lock (_sync)
            {
                if (!_clients.TryGetValue(tenant, out var entry))
                {
                    var budget = Budget(tuning);
                    var connection = new VomoConnection(tokens[tenant], vomoUrl) { RequestTimeout = tuning.RequestTimeout, MaxResponseBytes = tuning.MaxResponseBytes };
                    _clients[tenant] = entry = (new VomoClient(http, connection, time, budget), budget);
                }

                return entry.Client;
            }
        }
    }

    /// <summary>A tenant's request budget, <see cref="ConnectionTuning.RequestsPerSecond"/>.</summary>
    private static TokenBucketRateLimiter Budget(ConnectionTuning tuning)
    {
        // Refill about ten times a second so the budget stays smooth rather than bursting once a second.
        var tokens = (int)Math.Ceiling(tuning.RequestsPerSecond / 10);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / tuning.RequestsPerSecond),
            QueueLimit = 1_000,
        });
    }

    public void Dispose()
    {
        lock (_sync)
        {
            foreach (var (_, budget) in _clients.Values)
            {
                budget.Dispose();
            }

            _clients.Clear();
        }
    }
}
