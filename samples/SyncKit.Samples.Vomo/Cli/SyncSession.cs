using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Sqlite;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// What <c>sync</c> and <c>demo</c> share: the SQLite state store with the CRM tables beside it, the engine, and
/// one <see cref="TenantSync"/> per tenant, each with its own client, budget and circuit breaker.
/// </summary>
internal sealed class SyncSession : IDisposable
{
    private readonly SqliteSyncStateStore _store;
    private readonly HttpClient _http;

    private SyncSession(SqliteSyncStateStore store, SyncEngine engine, HttpClient http, IReadOnlyList<TenantSync> tenants)
    {
        _store = store;
        Engine = engine;
        _http = http;
        Tenants = tenants;
    }

    public SyncEngine Engine { get; }

    public IReadOnlyList<TenantSync> Tenants { get; }

    /// <summary>Opens the store at <paramref name="sqlitePath"/> (creating the CRM tables) and readies each tenant's jobs.</summary>
    public static async Task<SyncSession> OpenAsync(
        string sqlitePath,
        Uri vomoUrl,
        IReadOnlyDictionary<string, string> tokens,
        IEnumerable<string> tenants,
        ConnectionTuning tuning,
        TimeProvider time,
        Action<SyncJobOptions>? configure,
        CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = sqlitePath }.ToString();
        var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = connectionString }, time);
        try
        {
            await store.InitializeAsync(cancellationToken);
            await CrmSchema.EnsureCreatedAsync(connectionString, cancellationToken);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        var engine = new SyncEngine(store, time);
        var http = new HttpClient();
        var syncs = tenants
            .Select(t => new TenantSync(engine, t, new VomoClient(http, new VomoConnection(tokens[t], vomoUrl) { RequestTimeout = tuning.RequestTimeout }, time), time, configure, tuning))
            .ToList();
        return new SyncSession(store, engine, http, syncs);
    }

    /// <summary>Runs one poll cycle per tenant and resource, tenants side by side.</summary>
    /// <returns>Each tenant's runs, in tenant order.</returns>
    public async Task<IReadOnlyList<RunRecord>> RunCycleAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Tenants.Select(t => t.RunOnceAsync(cancellationToken)));
        return [.. results.SelectMany(r => r)];
    }

    public void Dispose()
    {
        foreach (var tenant in Tenants)
        {
            tenant.Dispose();
        }

        _http.Dispose();
        _store.Dispose();
    }
}
