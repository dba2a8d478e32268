using System.Threading.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The tenants' streams registered with a Generic Host (<c>services.AddSyncKit</c>) on the database's own store, so
/// the CRM rows commit in the store's transaction: what <c>sync --watch</c> polls, and what the dashboard of
/// <c>sync --watch</c> and <c>demo</c> shows and acts on. Each tenant has its own client, request budget and source
/// name (so its own circuit breaker).
/// </summary>
internal sealed class HostedTenants : IDisposable
{
    private readonly CrmDatabase _crm;
    private readonly ConnectionTuning _tuning;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, VomoClient> _clients;
    private readonly Dictionary<string, TokenBucketRateLimiter> _budgets;

    public HostedTenants(CrmDatabase crm, HttpClient http, Uri vomoUrl, IReadOnlyDictionary<string, string> tokens, IEnumerable<string> tenants, ConnectionTuning tuning, IConfiguration configuration, TimeProvider time)
    {
        _crm = crm;
        _tuning = tuning;
        _configuration = configuration;
        _time = time;
        _clients = tenants.ToDictionary(
            t => t,
            t => new VomoClient(http, new VomoConnection(tokens[t], vomoUrl) { RequestTimeout = tuning.RequestTimeout }, time));
        _budgets = _clients.Keys.ToDictionary(t => t, _ => TenantSync.Budget(tuning));
    }

    /// <summary>Adds the sample's configuration, logging and clock, and SyncKit with every tenant's streams.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="scheduler">How SyncKit's hosted scheduler runs the jobs.</param>
    public void Configure(IHostApplicationBuilder builder, Action<SyncSchedulerOptions> scheduler)
    {
        builder.Configuration.AddConfiguration(_configuration);

        // Retries are expected against VOMO and show in the progress; log only what needs an operator.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("SyncKit", LogLevel.Error);
        builder.Services.AddSingleton(_time);
        builder.Services.AddSyncKit(kit =>
        {
            kit.UseStore(_ => _crm.Store).ConfigureScheduler(scheduler);
            foreach (var stream in VomoStreams.All)
            {
                stream.Register(kit, _crm, _clients, _tuning.SourceOptions(), (tenant, options) => TenantSync.Configure(options, tenant, _budgets[tenant], _tuning));
            }
        });
    }

    public void Dispose()
    {
        foreach (var budget in _budgets.Values)
        {
            budget.Dispose();
        }
    }
}
