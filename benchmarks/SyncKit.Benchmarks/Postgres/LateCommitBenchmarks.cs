using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SyncKit.TestPostgres;
using SyncKit.TestPostgres.LateCommits;

namespace SyncKit.Benchmarks.Postgres;

/// <summary>
/// The late-commit workload of the billing database (8 writers on 200 hot keys, 2 % of transactions held 0.5–3 s,
/// short ones waiting on their row locks, stamps by <c>now()</c> or <c>clock_timestamp()</c>) for 20 seconds, synced
/// as it runs at a 2-second cadence, pages of 500, into a skip-older destination, until the sync has caught up with
/// the writers. The baseline is the hand-written poller with a 10-second lookback; the measured side is
/// <c>PostgresTableSource</c> at lookback 0. An iteration's time is the writers' 20 seconds plus the time to catch up;
/// rows read per row written, the time to catch up and what was missed are printed per iteration. Its own small
/// job runs in process, three iterations per case, each about 25 seconds.
/// </summary>
[Config(typeof(Config))]
public class LateCommitBenchmarks
{
    private static readonly TimeSpan Cadence = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);
    private static readonly ConcurrentQueue<string> Results = new();

    private ScratchDatabase? _database;

    [Params("now()", "clock_timestamp()")]
    public string Stamp { get; set; } = "now()";

    [IterationSetup]
    public void CreateDatabase()
    {
        var server = Environment.GetEnvironmentVariable("SYNCKIT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set SYNCKIT_TEST_POSTGRES to the connection string of a PostgreSQL server where the benchmarks may create databases.");
        _database = ScratchDatabase.CreateAsync(server, "late_commit_bench").GetAwaiter().GetResult();
        Workload().CreateTableAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DropDatabase() => _database!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Report()
    {
        while (Results.TryDequeue(out var result))
        {
            Console.WriteLine(result);
        }
    }

    [Benchmark(Baseline = true)]
    public Task<WorkloadVerdict> LookbackPolling() =>
        SyncAsync("lookback-10s", new PlainPollingSource(_database!.DataSource), TimeSpan.FromSeconds(10));

    [Benchmark]
    public Task<WorkloadVerdict> TableSource() =>
        SyncAsync("table-source", Invoice.TableSource(_database!.DataSource), TimeSpan.Zero);

    private LateCommitWorkload Workload() => new(_database!.DataSource, new WorkloadShape { Stamp = Stamp, Duration = TimeSpan.FromSeconds(20) });

    private async Task<WorkloadVerdict> SyncAsync(string name, ISource<Invoice> source, TimeSpan lookback)
    {
        var workload = Workload();
        var destination = new SkipOlderDestination();
        var loop = new SyncLoop(new SyncEngine(new InMemorySyncStateStore()), SyncLoop.Job(name, source, destination, lookback), Cadence);
        using var stop = new CancellationTokenSource();
        var syncing = loop.RunAsync(stop.Token);

        var (committed, held) = await workload.RunWritersAsync();
        var writersEnded = DateTimeOffset.UtcNow;
        var caughtUp = await loop.CaughtUpAsync(writersEnded, await workload.DatabaseNowAsync(), Patience);
        await stop.CancelAsync();
        await syncing;

        var verdict = WorkloadVerdict.Of(await workload.ReadTableAsync(), destination.Rows, loop.RowsRead);
        Results.Enqueue(string.Create(
            CultureInfo.InvariantCulture,
            $"{name} {Stamp}: {verdict}; caught up {(caughtUp.EndedAt - writersEnded)?.TotalSeconds:0.0} s after the writers stopped; {committed} transactions, {held} held long"));
        return verdict;
    }

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(0)
                .WithIterationCount(3)
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(10), logOutput: true))
                .WithId("LateCommits"));
    }
}
