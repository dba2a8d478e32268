using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>Where a command runs: its configuration, clock and output, and the options every job gets last (tests shorten retries with them).</summary>
internal sealed record CommandEnvironment(IConfiguration Configuration, TimeProvider Time, TextWriter Output, Action<SyncJobOptions>? Configure = null)
{
    /// <summary>The real environment: <c>appsettings.json</c> and environment variables, the system clock, the console.</summary>
    public static CommandEnvironment Default() => new(SyncCommand.Configuration(), TimeProvider.System, Console.Out);
}

/// <summary>
/// What a command works with once its settings are resolved: the store (SyncKit's state and the CRM tables in one
/// database, SQLite or PostgreSQL), the engine, and, for commands that talk to VOMO, each tenant's jobs.
/// </summary>
internal sealed class CommandContext : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly List<TenantJobs> _tenants = [];
    private readonly TenantClients? _clients;

    private CommandContext(CommandLine line, CommandEnvironment environment, SampleSettings settings, ConnectionTuning tuning, HttpClient http, CrmDatabase crm)
    {
        _http = http;
        Line = line;
        Environment = environment;
        Settings = settings;
        Crm = crm;
        Tuning = tuning;
        Engine = new SyncEngine(crm.Store, environment.Time);
        _clients = settings.VomoUrl is { } url ? new TenantClients(_http, url, settings.Tokens, tuning, environment.Time) : null;
    }

    public CommandLine Line { get; }

    public CommandEnvironment Environment { get; }

    public SampleSettings Settings { get; }

    /// <summary>How hard the commands lean on VOMO (the <c>Vomo</c> settings).</summary>
    public ConnectionTuning Tuning { get; }

    /// <summary>The database of SyncKit's state and the CRM tables.</summary>
    public CrmDatabase Crm { get; }

    public SyncEngine Engine { get; }

    public TextWriter Output => Environment.Output;

    public TimeProvider Time => Environment.Time;

    /// <summary>Whether the command prints JSON (<c>--json</c>).</summary>
    public bool Json => Line.Flag("json");

    /// <summary>Resolves the settings and opens the store. A command that talks to VOMO needs its URL and a token per tenant.</summary>
    public static Task<CommandContext> OpenAsync(CommandLine line, CommandEnvironment environment, bool talksToVomo, CancellationToken cancellationToken) =>
        OpenAsync(line, environment, talksToVomo, dryRun: false, cancellationToken);

    /// <summary>As <see cref="OpenAsync(CommandLine, CommandEnvironment, bool, CancellationToken)"/>; a dry run posts no welcome, not even those earlier runs left due.</summary>
    public static async Task<CommandContext> OpenAsync(CommandLine line, CommandEnvironment environment, bool talksToVomo, bool dryRun, CancellationToken cancellationToken)
    {
        var settings = SampleSettings.Resolve(line, environment.Configuration, tenantNeedsToken: talksToVomo);
        if (talksToVomo && (settings.VomoUrl is null || settings.Tenants.Count == 0))
        {
            throw new UsageException($"'{line.Command.Name}' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        var tuning = ConnectionTuning.From(environment.Configuration);
        var http = new HttpClient();
        try
        {
            return new CommandContext(line, environment, settings, tuning, http, await SyncSession.OpenDatabaseAsync(settings, dryRun ? null : http, environment.Time, cancellationToken));
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The jobs of every tenant the command acts on (all configured, or the one <c>--tenant</c> names).</summary>
    public IReadOnlyList<TenantJobs> Tenants()
    {
        if (_tenants.Count == 0)
        {
            foreach (var tenant in Settings.Tenants)
            {
                _tenants.Add(TenantJobs.Create(tenant, Client(tenant), Crm, Tuning, Environment.Configure));
            }
        }

        return _tenants;
    }

    /// <summary>The client for a tenant's VOMO organization, pacing its requests with the tenant's budget.</summary>
    public VomoClient Client(string tenant) =>
        (_clients ?? throw new UsageException($"'{Line.Command.Name}' needs --vomo-url URL."))[tenant];

    /// <summary>The one tenant a command acts on: <c>--tenant</c>, required.</summary>
    public string RequiredTenant() =>
        Line.Value("tenant") ?? throw new UsageException($"'{Line.Command.Name}' needs --tenant NAME.");

    /// <summary>The job <c>--tenant</c> and <c>--resource</c> name.</summary>
    public TenantJob RequiredJob()
    {
        var tenant = RequiredTenant();
        var resource = Arguments.Resource(Line);
        return Tenants().Single(t => t.Tenant == tenant).Jobs.Single(j => j.Id.Stream == resource);
    }

    public async ValueTask DisposeAsync()
    {
        _clients?.Dispose();
        await Crm.DisposeAsync();
        _http.Dispose();
    }
}
