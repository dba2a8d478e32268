using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// What <c>sync</c> and <c>demo</c> share: the database that holds SyncKit's state and the CRM tables, the engine,
/// and one <see cref="TenantSync"/> per tenant, each with its own client, budget and circuit breaker.
/// </summary>
internal sealed class SyncSession : IAsyncDisposable
{
    private readonly CrmDatabase _crm;
    private readonly HttpClient _http;
    private readonly TenantClients _clients;

    private SyncSession(CrmDatabase crm, SyncEngine engine, HttpClient http, TenantClients clients, IReadOnlyList<TenantSync> tenants, ServedDashboard? dashboard)
    {
        _crm = crm;
        Engine = engine;
        _http = http;
        _clients = clients;
        Tenants = tenants;
        Dashboard = dashboard;
    }

    public SyncEngine Engine { get; }

    /// <summary>The dashboard the session serves its runs on, when asked for one.</summary>
    public ServedDashboard? Dashboard { get; }

    public IReadOnlyList<TenantSync> Tenants { get; }

    /// <summary>
    /// Opens the database <c>--store</c> names (SQLite by default), creating its tables, with welcomes going to the
    /// <c>--webhook</c> through <paramref name="http"/> (which must outlive the database) or else to <c>crm_outbox</c>.
    /// Without <paramref name="http"/> nothing is posted (a dry run's database).
    /// </summary>
    /// <exception cref="UsageException">The store cannot be opened: the message names it and why (never a password).</exception>
    public static async Task<CrmDatabase> OpenDatabaseAsync(SampleSettings settings, HttpClient? http, TimeProvider time, CancellationToken cancellationToken)
    {
        var webhook = settings.Webhook is { } url && http is not null ? new WebhookWelcomeSender(http, url, time) : null;
        try
        {
            return settings.PostgresConnectionString is { } postgres
                ? await CrmDatabase.OpenPostgresAsync(postgres, webhook, time, cancellationToken)
                : await CrmDatabase.OpenSqliteAsync(settings.SqlitePath!, webhook, time, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            // The stores' own messages name the file, or the host, port, database and user: a configuration
            // problem for the operator, not a crash.
            throw new UsageException($"'--store' cannot be opened: {ex.Message}");
        }
    }

    /// <summary>
    /// Opens the database and readies each tenant's jobs. With a <paramref name="dashboard"/> URL the jobs run on the
    /// engine of a dashboard host (not started yet) that serves them, configured from <paramref name="configuration"/>.
    /// </summary>
    public static async Task<SyncSession> OpenAsync(
        SampleSettings settings,
        Uri vomoUrl,
        IReadOnlyDictionary<string, string> tokens,
        IReadOnlyList<string> tenants,
        ConnectionTuning tuning,
        TimeProvider time,
        Action<SyncJobOptions>? configure,
        CancellationToken cancellationToken,
        Uri? dashboard = null,
        IConfiguration? configuration = null)
    {
        var http = new HttpClient();
        var crm = await OpenDatabaseAsync(settings, http, time, cancellationToken);

        // One client per tenant, for the demo's runs and the dashboard's actions alike: one budget per token.
        var clients = new TenantClients(http, vomoUrl, tokens, tuning, time);
        var served = dashboard is null
            ? null
            : new ServedDashboard(dashboard, new HostedTenants(crm, clients, tenants, tuning, configuration ?? new ConfigurationManager(), time));
        var engine = served?.Engine ?? new SyncEngine(crm.Store, time);
        var syncs = tenants
            .Select(t => new TenantSync(engine, crm, t, clients[t], configure, tuning))
            .ToList();
        return new SyncSession(crm, engine, http, clients, syncs, served);
    }

    /// <summary>Runs one poll cycle per tenant and resource, tenants side by side.</summary>
    /// <returns>Each tenant's runs, in tenant order.</returns>
    public async Task<IReadOnlyList<RunRecord>> RunCycleAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Tenants.Select(t => t.RunOnceAsync(cancellationToken)));
        return [.. results.SelectMany(r => r)];
    }

    public async ValueTask DisposeAsync()
    {
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }

        // The database delivers the welcomes still due as it closes, through the webhook's HTTP client.
        await _crm.DisposeAsync();
        _clients.Dispose();
        _http.Dispose();
    }
}
