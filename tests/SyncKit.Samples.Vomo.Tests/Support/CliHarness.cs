using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>Runs the sample's commands in-process against a simulator and a temporary SQLite file, capturing their output.</summary>
public sealed class CliHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-cli-{Guid.NewGuid():N}.db");

    private CliHarness(SimulatorHarness sim) => Sim = sim;

    public SimulatorHarness Sim { get; }

    public string Store => $"sqlite:{_path}";

    public static async Task<CliHarness> StartAsync(int users = 40, int projects = 5, int groups = 4, IReadOnlyList<TenantOptions>? tenants = null, FaultOptions? faults = null, SimulatorHarness? sim = null) =>
        new(sim ?? await SimulatorHarness.StartAsync(users: users, projects: projects, groups: groups, tenants: tenants, faults: faults));

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

    /// <summary>Reads one query's rows from the store file.</summary>
    public List<object?[]> Rows(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add([.. row.Select(v => v is DBNull ? null : v)]);
        }

        return rows;
    }

    public object? Scalar(string sql) => Rows(sql)[0][0];

    public void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Sim.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
