using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The one wiring every command builds on: the database that holds SyncKit's state and the CRM tables, opened with
/// the welcome sender <c>--webhook</c> chooses; each tenant's client, with its request budget; and the options each
/// tenant's jobs run with. The streams of <see cref="VomoStreams"/> become jobs here, typed
/// (<see cref="Jobs"/>) or registered with a host (<see cref="Register"/>), the same either way. A tenant's jobs
/// share its client and circuit breaker, and no other tenant's: one tenant's outage never stops another.
/// </summary>
internal sealed class VomoWiring : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly TenantClients? _clients;
    private readonly ConnectionTuning _tuning;
    private readonly Action<SyncJobOptions>? _configure;
    private IReadOnlyList<TenantJobs>? _jobs;

    private VomoWiring(SampleSettings settings, ConnectionTuning tuning, TimeProvider time, Action<SyncJobOptions>? configure, HttpClient http, CrmDatabase crm)
    {
        _http = http;
        _tuning = tuning;
        _configure = configure;
        Crm = crm;
        Time = time;
        Tenants = settings.Tenants;
        SourceOptions = tuning.SourceOptions();
        _clients = settings.VomoUrl is { } url ? new TenantClients(http, url, settings.Tokens, tuning, time) : null;
    }

    /// <summary>The database of SyncKit's state and the CRM tables.</summary>
    public CrmDatabase Crm { get; }

    public TimeProvider Time { get; }

    /// <summary>The tenants the command acts on (all configured, or the one <c>--tenant</c> names).</summary>
    public IReadOnlyList<string> Tenants { get; }

    /// <summary>The sources' options, from the tuning.</summary>
    public VomoSourceOptions SourceOptions { get; }

    /// <summary>
    /// Opens the database <c>--store</c> names (SQLite by default), creating its tables, with welcomes going to the
    /// <c>--webhook</c> if one is given, else to <c>crm_outbox</c>. A <paramref name="dryRun"/> posts no welcome,
    /// not even those earlier runs left due. <paramref name="configure"/> adjusts every job's options last (tests
    /// shorten retries with it).
    /// </summary>
    /// <exception cref="UsageException">The store cannot be opened: the message names it and why (never a password).</exception>
    public static async Task<VomoWiring> OpenAsync(SampleSettings settings, ConnectionTuning tuning, TimeProvider time, Action<SyncJobOptions>? configure, bool dryRun, CancellationToken cancellationToken)
    {
        // The database posts the welcomes through the HTTP client, to its last due one as it closes: the client outlives it.
        var http = new HttpClient();
        var webhook = settings.Webhook is { } url && !dryRun ? new WebhookWelcomeSender(http, url, time) : null;
        try
        {
            var crm = settings.PostgresConnectionString is { } postgres
                ? await CrmDatabase.OpenPostgresAsync(postgres, webhook, time, cancellationToken)
                : await CrmDatabase.OpenSqliteAsync(settings.SqlitePath!, webhook, time, cancellationToken);
            return new VomoWiring(settings, tuning, time, configure, http, crm);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            // The stores' own messages name the file, or the host, port, database and user: a configuration
            // problem for the operator, not a crash.
            http.Dispose();
            throw new UsageException($"'--store' cannot be opened: {ex.Message}");
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The client for a tenant's VOMO organization, pacing its requests with the tenant's budget.</summary>
    public VomoClient Client(string tenant) =>
        (_clients ?? throw new InvalidOperationException("No VOMO URL is configured: the command checks for --vomo-url first."))[tenant];

    /// <summary>Every tenant's jobs, one per stream, in the order a cycle syncs them.</summary>
    public IReadOnlyList<TenantJobs> Jobs() =>
        _jobs ??= [.. Tenants.Select(tenant => new TenantJobs(tenant, [.. VomoStreams.All.Select(stream => stream.Job(this, tenant))]))];

    /// <summary>Registers every stream with a host, for every tenant.</summary>
    public void Register(SyncKitBuilder kit)
    {
        foreach (var stream in VomoStreams.All)
        {
            stream.Register(kit, this);
        }
    }

    /// <summary>The options a tenant's job of <paramref name="stream"/> runs with.</summary>
    public SyncJobOptions Options(string tenant, IVomoStream stream)
    {
        var options = new SyncJobOptions();
        Configure(tenant, stream, options);
        return options;
    }

    /// <summary>
    /// Sets a tenant's job options: its own source name (so its own circuit breaker), a lookback past the replica
    /// lag, the tuning's retry delay and cadence, then what the stream adds. No
    /// <see cref="SyncJobOptions.SourceRateLimiter"/>: the tenant's client takes a permit of its budget for every
    /// request it sends, including those the engine does not see (pages read ahead, member pages, listings), and a
    /// second permit for the same request would halve the budget.
    /// </summary>
    public void Configure(string tenant, IVomoStream stream, SyncJobOptions options)
    {
        options.SourceName = $"vomo:{tenant}";

        // A full reconciliation confirms each key missing from the listing (and, for groups, checks every group) with
        // a lookup; a few at a time hide their round trips, and the client keeps them all to the budget.
        options.Reconciliation.LookupConcurrency = FullListing.ConcurrentRequests;
        options.Lookback = TimeSpan.FromMinutes(1);
        options.RetryBaseDelay = _tuning.RetryBaseDelay;
        options.Cadence = _tuning.Cadence;
        stream.ConfigureOptions?.Invoke(options);
        _configure?.Invoke(options);
    }

    /// <summary>Delivers the welcomes still due to the webhook, then closes the database and the clients.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Crm.DisposeAsync();
        }
        finally
        {
            _clients?.Dispose();
            _http.Dispose();
        }
    }
}
