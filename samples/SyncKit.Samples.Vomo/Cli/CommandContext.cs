using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>Where a command runs: its configuration, clock and output, and the options every job gets last (tests shorten retries with them).</summary>
internal sealed record CommandEnvironment(IConfiguration Configuration, TimeProvider Time, TextWriter Output, Action<SyncJobOptions>? Configure = null)
{
    /// <summary>The real environment: <c>appsettings.json</c> and environment variables, the system clock, the console.</summary>
    public static CommandEnvironment Default() => new(Settings(), TimeProvider.System, Console.Out);

    /// <summary>The settings files and environment variables the Generic Host would read.</summary>
    private static IConfiguration Settings() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
}

/// <summary>
/// What an operator command works with once its settings are resolved: the wiring (SyncKit's state and the CRM
/// tables in one database, SQLite or PostgreSQL, and each tenant's jobs) and an engine on its store.
/// </summary>
internal sealed class CommandContext : IAsyncDisposable
{
    private CommandContext(CommandInput input, CommandEnvironment environment, SampleSettings settings, ConnectionTuning tuning, VomoWiring wiring)
    {
        Input = input;
        Environment = environment;
        Settings = settings;
        Tuning = tuning;
        Wiring = wiring;
        Engine = new SyncEngine(wiring.Crm.Store, environment.Time);
    }

    public CommandInput Input { get; }

    public CommandEnvironment Environment { get; }

    public SampleSettings Settings { get; }

    /// <summary>How hard the commands lean on VOMO (the <c>Vomo</c> settings).</summary>
    public ConnectionTuning Tuning { get; }

    /// <summary>The database, the tenants' clients and their jobs.</summary>
    public VomoWiring Wiring { get; }

    /// <summary>The database of SyncKit's state and the CRM tables.</summary>
    public CrmDatabase Crm => Wiring.Crm;

    public SyncEngine Engine { get; }

    public TextWriter Output => Environment.Output;

    public TimeProvider Time => Environment.Time;

    /// <summary>Whether the command prints JSON (<c>--json</c>).</summary>
    public bool Json => Input.Json;

    /// <summary>
    /// Resolves the settings and opens the wiring. A command that talks to VOMO needs its URL and a token per tenant.
    /// A <paramref name="dryRun"/> posts no welcome, not even those earlier runs left due.
    /// </summary>
    public static async Task<CommandContext> OpenAsync(CommandInput input, CommandEnvironment environment, bool talksToVomo, CancellationToken cancellationToken, bool dryRun = false)
    {
        var settings = SampleSettings.Resolve(input, environment.Configuration, tenantNeedsToken: talksToVomo);
        if (talksToVomo && (settings.VomoUrl is null || settings.Tenants.Count == 0))
        {
            throw new UsageException($"'{input.Command}' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        var tuning = ConnectionTuning.From(environment.Configuration);
        return new CommandContext(input, environment, settings, tuning, await VomoWiring.OpenAsync(settings, tuning, environment.Time, environment.Configure, dryRun, cancellationToken));
    }

    /// <summary>Every tenant's jobs the command acts on (all configured, or the one <c>--tenant</c> names).</summary>
    public IReadOnlyList<TenantJobs> Tenants() => Wiring.Jobs();

    /// <summary>The one tenant a command acts on: <c>--tenant</c>, required.</summary>
    public string RequiredTenant() => Settings.RequiredTenant(Input.Command);

    /// <summary>The job <c>--tenant</c> and <c>--resource</c> name.</summary>
    public TenantJob RequiredJob()
    {
        var tenant = RequiredTenant();
        var stream = Input.RequiredResource;
        return Tenants().Single(t => t.Tenant == tenant).Jobs.Single(j => j.Id == stream.Id(tenant));
    }

    public ValueTask DisposeAsync() => Wiring.DisposeAsync();
}
