using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>
/// Runs the sample's commands in-process against a simulator and a temporary store (a SQLite file unless asked for
/// PostgreSQL), capturing their output.
/// </summary>
public sealed class CliHarness : IAsyncDisposable
{
    private readonly CliStore _store;

    private CliHarness(SimulatorHarness sim, CliStore store)
    {
        Sim = sim;
        _store = store;
    }

    public SimulatorHarness Sim { get; }

    /// <summary>The <c>--store</c> value.</summary>
    public string Store => _store.Argument;

    public static async Task<CliHarness> StartAsync(int users = 40, int projects = 5, int groups = 4, IReadOnlyList<TenantOptions>? tenants = null, FaultOptions? faults = null, SimulatorHarness? sim = null, StoreKind store = StoreKind.Sqlite)
    {
        var database = await CliStore.CreateAsync(store);
        return new(sim ?? await SimulatorHarness.StartAsync(users: users, projects: projects, groups: groups, tenants: tenants, faults: faults), database);
    }

    /// <summary>Runs a command with the simulator's URL, every tenant's token and the store, then <paramref name="args"/>.</summary>
    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunRawAsync([.. args, .. CommonArguments()]);

    /// <summary>The simulator's URL, every tenant's token and the store.</summary>
    public string[] CommonArguments() =>
        ["--vomo-url", Sim.Simulator.BaseUrl.ToString(), "--store", Store, .. Sim.Simulator.Tenants.SelectMany(t => new[] { "--token", $"{t.Name}={t.Token}" })];

    /// <summary>
    /// Runs a command line of exactly <paramref name="args"/> as the program does, on the simulator's clock unless
    /// given another; the output holds what the command printed and, after it, any usage error.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunRawAsync(string[] args, TimeProvider? time = null, Action<SyncJobOptions>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var output = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var exitCode = await CommandLines.RunAsync(new CommandEnvironment(configuration, time ?? Sim.Time, output, configure), args);
        return (exitCode, output.ToString());
    }

    /// <summary>Reads one query's rows from the store.</summary>
    public List<object?[]> Rows(string sql) => _store.Rows(sql);

    public object? Scalar(string sql) => Rows(sql)[0][0];

    public void Execute(string sql) => _store.Execute(sql);

    public async ValueTask DisposeAsync()
    {
        await Sim.DisposeAsync();
        await _store.DisposeAsync();
    }
}
