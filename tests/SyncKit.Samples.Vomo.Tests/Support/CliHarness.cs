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

    /// <summary>Runs a command with exactly <paramref name="args"/>, on the simulator's clock, with short retries.</summary>
    public async Task<(int ExitCode, string Output)> RunRawAsync(string[] args, TimeProvider? time = null, Action<SyncJobOptions>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var line = CommandLine.Parse(args);
        var output = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var environment = new CommandEnvironment(configuration, time ?? Sim.Time, output, configure);
        Func<CommandLine, CommandEnvironment, CancellationToken, Task<int>> run = line.Command.Name switch
        {
            "sync" => (l, e, token) => SyncCommand.RunAsync(l, e.Configuration, e.Time, e.Output, token, e.Configure),
            "reconcile" => ReconcileCommand.RunAsync,
            "replay" => ReplayCommand.RunAsync,
            "backfill" => BackfillCommand.RunAsync,
            "checkpoint" => CheckpointCommand.RunAsync,
            "dlq" => DeadLetterCommand.RunAsync,
            "runs" => RunsCommand.RunAsync,
            "status" => StatusCommand.RunAsync,
            "push-groups" => PushGroupsCommand.RunAsync,
            var other => throw new ArgumentException($"No in-process runner for '{other}'."),
        };
        var exitCode = await run(line, environment, default);
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
