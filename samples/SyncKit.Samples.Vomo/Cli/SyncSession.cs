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

    private SyncSession(CrmDatabase crm, SyncEngine engine, HttpClient http, IReadOnlyList<TenantSync> tenants, ServedDashboard? dashboard)
    {
        _crm = crm;
        Engine = engine;
        _http = http;
        Tenants = tenants;
        Dashboard = dashboard;
    }

    public SyncEngine Engine { get; }

    /// <summary>The dashboard the session serves its runs on, when asked for one.</summary>
    public ServedDashboard? Dashboard { get; }

    public IReadOnlyList<TenantSync> Tenants { get; }

    /// <summary>Opens the database <c>--store</c> names (SQLite by default), creating its tables.</summary>
    /// <exception cref="UsageException">The store cannot be opened: the message names it and why (never a password).</exception>
    public static async Task<CrmDatabase> OpenDatabaseAsync(SampleSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            return settings.PostgresConnectionString is { } postgres
                ? await CrmDatabase.OpenPostgresAsync(postgres, time, cancellationToken)
                : await CrmDatabase.OpenSqliteAsync(settings.SqlitePath!, time, cancellationToken);
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
        var crm = await OpenDatabaseAsync(settings, time, cancellationToken);
        var http = new HttpClient();
        var served = dashboard is null
            ? null
            : new ServedDashboard(dashboard, new HostedTenants(crm, http, vomoUrl, tokens, tenants, tuning, configuration ?? new ConfigurationManager(), time));
        var engine = served?.Engine ?? new SyncEngine(crm.Store, time);
        crm.Webhook = CommandContext.WebhookSender(settings, http, time);
        var syncs = tenants
            .Select(t => new TenantSync(engine, crm, t, new VomoClient(http, new VomoConnection(tokens[t], vomoUrl) { RequestTimeout = tuning.RequestTimeout }, time), configure, tuning))
            .ToList();
        return new SyncSession(crm, engine, http, syncs, served);
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

        foreach (var tenant in Tenants)
        {
            tenant.Dispose();
        }

        // The database delivers the welcomes still due as it closes, through the client.
        await _crm.DisposeAsync();
        _http.Dispose();
    }
}
