namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// What <c>sync</c> and <c>demo</c> share: the wiring (the database, each tenant's client, budget and circuit
/// breaker, and its jobs), the engine the jobs run on, and the dashboard, if one is asked for.
/// </summary>
internal sealed class SyncSession : IAsyncDisposable
{
    private readonly VomoWiring _wiring;
    private readonly TimeProvider _time;

    private SyncSession(VomoWiring wiring, SyncEngine engine, ServedDashboard? dashboard, TimeProvider time)
    {
        _wiring = wiring;
        _time = time;
        Engine = engine;
        Dashboard = dashboard;
    }

    public SyncEngine Engine { get; }

    /// <summary>The dashboard the session serves its runs on, when asked for one.</summary>
    public ServedDashboard? Dashboard { get; }

    /// <summary>Each tenant's jobs.</summary>
    public IReadOnlyList<TenantJobs> Tenants => _wiring.Jobs();

    /// <summary>
    /// Opens the wiring. With a <paramref name="dashboard"/> URL the jobs run on the engine of a dashboard host (not
    /// started yet) that serves them, configured from the environment's configuration.
    /// </summary>
    public static async Task<SyncSession> OpenAsync(SampleSettings settings, ConnectionTuning tuning, CommandEnvironment environment, CancellationToken cancellationToken, Uri? dashboard = null)
    {
        var wiring = await VomoWiring.OpenAsync(settings, tuning, environment.Time, environment.Configure, dryRun: false, cancellationToken);
        var served = dashboard is null ? null : new ServedDashboard(dashboard, new HostedTenants(wiring, environment.Configuration));
        return new SyncSession(wiring, served?.Engine ?? new SyncEngine(wiring.Crm.Store, environment.Time), served, environment.Time);
    }

    /// <summary>Runs one poll cycle per tenant and resource, tenants side by side.</summary>
    /// <returns>Each tenant's runs, in tenant order.</returns>
    public async Task<IReadOnlyList<RunRecord>> RunCycleAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Tenants.Select(t => t.EachAsync(job => job.RunAsync(Engine, cancellationToken), cancellationToken)));
        return [.. results.SelectMany(r => r)];
    }

    /// <summary>
    /// Deletes the history older than the core's default retention, as a host does every hour: a <c>sync</c> run
    /// from cron has no host, and its history would otherwise grow for ever.
    /// </summary>
    public Task<RetentionPass> PurgeHistoryAsync(CancellationToken cancellationToken) =>
        new SyncRetention(_wiring.Crm.Store, new RetentionOptions(), _time).PurgeAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }

        // The database delivers the welcomes still due as it closes.
        await _wiring.DisposeAsync();
    }
}
