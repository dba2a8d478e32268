using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace SyncKit.Benchmarks.Retention;

/// <summary>
/// Whether purging years of run history stalls syncs: a SQLite store seeded with a history of old runs (10M by
/// default), then a sync's batch commits (a checkpoint and its run's record, one transaction each) timed without a
/// purge, during a <see cref="SyncRetention"/> pass with the defaults, and without a purge again. The purge must keep
/// the commits' p99 within 2× of the p99 without it.
/// </summary>
public static class RetentionStallMeasurement
{
    private const int Jobs = 1_000;
    private static readonly JobId SyncingJob = new("live", "users");

    public static async Task<int> RunAsync(long historyRuns, int commits, string? seededCopies)
    {
        var directory = Directory.CreateTempSubdirectory("synckit-retention-").FullName;
        try
        {
            var path = Path.Combine(directory, "state.db");
            var seeding = Stopwatch.StartNew();

            // A seeded history can be kept and copied in (SEEDED_COPIES): seeding 10M runs takes about ten minutes.
            var copy = seededCopies is null ? null : Path.Combine(seededCopies, $"retention-{historyRuns}.db");
            var reused = copy is not null && File.Exists(copy);
            if (reused)
            {
                File.Copy(copy!, path);
            }

            var services = new ServiceCollection();
            services.AddSyncKit(kit => kit.UseSqlite(path));
            await using var provider = services.BuildServiceProvider();
            var store = provider.GetRequiredService<ISyncStateStore>();
            await ((SyncKit.Sqlite.SqliteSyncStateStore)store).InitializeAsync();
            if (!reused)
            {
                Seed(path, historyRuns);
                if (copy is not null)
                {
                    Directory.CreateDirectory(seededCopies!);
                    File.Copy(path, copy);
                }
            }

            Console.WriteLine($"seeded {historyRuns:N0} runs ended 100+ days ago in {seeding.Elapsed:g}; database {new FileInfo(path).Length / (1024 * 1024):N0} MB");

            await CommitAsync(store, 200, 0); // warm-up: connections, statements, page cache
            var before = await CommitAsync(store, commits, 1);

            var retention = provider.GetRequiredService<SyncRetention>();
            using var stop = new CancellationTokenSource();
            var purging = Stopwatch.StartNew();
            var purge = retention.PurgeAsync(stop.Token);
            var during = await CommitAsync(store, commits, 2);
            await stop.CancelAsync();
            long deleted;
            try
            {
                deleted = (await purge).Runs;
            }
            catch (OperationCanceledException)
            {
                deleted = historyRuns - await CountRunsAsync(path);
            }

            purging.Stop();
            var after = await CommitAsync(store, commits, 3);

            Report("without a purge (before)", before);
            Report("during the purge", during);
            Report("without a purge (after)", after);
            var baseline = Math.Max(NearestRank.Of(before, 0.99), NearestRank.Of(after, 0.99));
            var ratio = NearestRank.Of(during, 0.99) / baseline;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"purge deleted {deleted:N0} runs in {purging.Elapsed.TotalSeconds:0.0} s ({deleted / purging.Elapsed.TotalSeconds:N0} runs/s); p99 during ÷ p99 without = {ratio:0.00} (target ≤ 2)"));
            return ratio <= 2 ? 0 : 1;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    // A raw bulk insert: the store's own writes would take hours for 10M runs. The hour table's triggers still fire.
    private static void Seed(string path, long runs)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = OFF;";
            pragma.ExecuteNonQuery();
        }

        var start = DateTimeOffset.UtcNow.AddDays(-200);
        var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO synckit_runs (run_id, tenant, stream, started_at, ended_at, outcome, read_count, written_count, skipped_count,
                                      deduplicated_count, retried_count, dead_lettered_count, errors_by_class, sample_record_keys, kind)
            VALUES ($id, $tenant, 'users', $started, $ended, 'Succeeded', 0, 0, 0, 0, 0, 0, '{}', '[]', 'Sync')
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var tenant = insert.Parameters.Add("$tenant", SqliteType.Text);
        var started = insert.Parameters.Add("$started", SqliteType.Integer);
        var ended = insert.Parameters.Add("$ended", SqliteType.Integer);
        for (long n = 0; n < runs;)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = 0; i < 100_000 && n < runs; i++, n++)
            {
                // Each of the jobs runs every 5 minutes: 10M runs are about 35 days of history, all older than 90 days.
                var at = start.AddMinutes(5 * (n / Jobs)).AddSeconds(n % Jobs % 300);
                id.Value = n.ToString(CultureInfo.InvariantCulture);
                tenant.Value = "t" + (n % Jobs).ToString(CultureInfo.InvariantCulture);
                started.Value = at.UtcTicks;
                ended.Value = at.AddSeconds(1).UtcTicks;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        insert.Dispose();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    private static async Task<long> CountRunsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM synckit_runs";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    // What a sync does after each batch: its checkpoint and its run's record, in one transaction. Latencies come back sorted.
    private static async Task<double[]> CommitAsync(ISyncStateStore store, int count, int phase)
    {
        var latencies = new double[count];
        var startedAt = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            var at = startedAt.AddSeconds(i);
            var run = new RunRecord($"live-{phase}", SyncingJob, startedAt, null, RunOutcome.Running, null, Cursor.At(at, "x"),
                new RunCounts(i, i, 0, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null);
            var watch = Stopwatch.StartNew();
            var transaction = await store.BeginTransactionAsync(SyncingJob, CancellationToken.None);
            await using (transaction)
            {
                await transaction.Checkpoints.SaveAsync(SyncingJob, Cursor.At(at, i.ToString(CultureInfo.InvariantCulture)), CancellationToken.None);
                await transaction.Runs.SaveRunAsync(run, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }

            latencies[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(latencies);
        return latencies;
    }

    private static void Report(string phase, double[] latencies) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"commit latency {phase}: p50 {NearestRank.Of(latencies, 0.5):0.00} ms, p99 {NearestRank.Of(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms ({latencies.Length:N0} commits)"));

}
