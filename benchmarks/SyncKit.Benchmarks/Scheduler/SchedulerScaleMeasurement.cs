using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SyncKit.Benchmarks.Scheduler;

/// <summary>
/// Many jobs on one host, as a partner integration runs them: <c>tenants × 3</c> jobs on the Generic Host over a SQLite
/// store, sources that read nothing (optionally after a delay, as a remote API would take), a destination that writes
/// nothing. Reports start-up time, working set, CPU per run (the process's own CPU time, whatever else the machine runs),
/// runs per job against the cadence, and how far each run started from one cadence after the job's previous start.
/// </summary>
public static class SchedulerScaleMeasurement
{
    private static readonly string[] Streams = ["users", "projects", "groups"];

    public static async Task<int> RunAsync(int tenants, TimeSpan cadence, TimeSpan duration, TimeSpan sourceDelay)
    {
        var directory = Directory.CreateTempSubdirectory("synckit-scheduler-").FullName;
        try
        {
            var reads = new ConcurrentDictionary<JobId, ConcurrentQueue<long>>();
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSyncKit(kit =>
            {
                kit.UseSqlite(Path.Combine(directory, "state.db"));
                var names = Enumerable.Range(0, tenants).Select(i => "t" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                foreach (var stream in Streams)
                {
                    kit.AddJob<Row>(stream, job => job
                        .ForTenants(names)
                        .UseSource((_, tenant) => new EmptySource(new JobId(tenant, stream), reads, sourceDelay))
                        .UseDestination((_, _) => new NoDestination())
                        .Configure(o => o.Cadence = cadence));
                }
            });

            using var process = Process.GetCurrentProcess();
            var started = Stopwatch.StartNew();
            using var host = builder.Build();
            await host.StartAsync();
            var ready = started.Elapsed;
            var cpuAtReady = process.TotalProcessorTime;
            await Task.Delay(duration);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuAtReady;
            var workingSet = process.WorkingSet64;
            var peak = process.PeakWorkingSet64;
            await host.StopAsync();

            var jobs = tenants * Streams.Length;
            var runs = reads.Values.Sum(r => r.Count);
            var drift = reads.Values.SelectMany(Drifts(cadence)).Order().ToArray();
            var expected = duration / cadence;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {jobs:N0} jobs ({tenants:N0} tenants × 3), cadence {cadence}, source delay {sourceDelay.TotalMilliseconds:0} ms, observed {duration}; SQLite; MaxConcurrentRuns default
                ready in {ready.TotalSeconds:0.00} s; working set {workingSet / (1024 * 1024):N0} MB (peak {peak / (1024 * 1024):N0} MB)
                runs: {runs:N0} ({(double)runs / jobs:0.00} per job, {expected:0.00} cadences observed); jobs never run: {jobs - reads.Count:N0}
                CPU after start: {cpu.TotalSeconds:0.0} s = {cpu / duration * 100:0.0} % of a core; {(runs == 0 ? 0 : cpu.TotalMilliseconds / runs):0.00} ms per run
                start drift (a start minus one cadence after the job's previous start), {drift.Length:N0} intervals: p50 {NearestRank.Of(drift, 0.5):0} ms, p99 {NearestRank.Of(drift, 0.99):0} ms, max {(drift.Length == 0 ? 0 : drift[^1]):0} ms
                """));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Func<ConcurrentQueue<long>, IEnumerable<double>> Drifts(TimeSpan cadence) => starts =>
    {
        var times = starts.ToArray();
        return times.Zip(times.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds - cadence.TotalMilliseconds);
    };

    public sealed record Row(string Id);

    private sealed class EmptySource(JobId job, ConcurrentDictionary<JobId, ConcurrentQueue<long>> reads, TimeSpan delay) : ISource<Row>
    {
        public async ValueTask<SourcePage<Row>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
        {
            reads.GetOrAdd(job, _ => new ConcurrentQueue<long>()).Enqueue(Stopwatch.GetTimestamp());
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            return new SourcePage<Row>([], HasMore: false);
        }
    }

    private sealed class NoDestination : IDestination<Row>
    {
        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Row> batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<RecordOutcome>>([.. batch.Records.Select(_ => RecordOutcome.Written)]);
    }
}
