using Microsoft.Data.Sqlite;
using SyncKit.CrashHost;
using Xunit.Abstractions;

namespace SyncKit.Sqlite.Tests;

/// <summary>
/// Guarantees 1 and 5 under real crashes: a child process syncs into a destination table in the store's own
/// file and is SIGKILLed at random instants; after every kill the checkpoint and the destination agree exactly,
/// and at the end the file is intact and every record is in the destination exactly once.
/// </summary>
public sealed class SqliteCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Records = 100_000;
    private const int Kills = 20;
    private const int RecordsPerProgressLine = 100;

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task RunAsync_KilledAt20RandomInstants_NeverLetsTheCheckpointPassTheDestinationAndEndsWithEveryRecordOnce()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SYNCKIT_CRASH_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set SYNCKIT_CRASH_SEED to replay)");
        var random = new Random(seed);
        var kills = 0;
        var covered = 0;
        while (true)
        {
            // Spread the kills over what is left: on average one share of the remaining progress lines each.
            var remainingLines = (Records - covered) / RecordsPerProgressLine;
            // The bound leaves at least the share of one more kill after this one, so the child cannot finish before it.
            var killAfter = kills < Kills ? random.Next(1, Math.Max(2, remainingLines / (Kills - kills + 1))) : int.MaxValue;
            var run = await CrashHostProcess.RunAsync(["sqlite", _database.Path, Records.ToString(System.Globalization.CultureInfo.InvariantCulture)], killAfter, TimeSpan.FromMinutes(1));
            if (!run.Killed)
            {
                run.ExitCode.Should().Be(0, $"the last run finishes (seed {seed}):\n{run.Output}");
                break;
            }

            kills++;
            covered = await AssertCheckpointMatchesTheDestinationAsync(seed, kills);
            output.WriteLine($"kill {kills} after {killAfter} progress lines: checkpoint covers {covered} records");
        }

        kills.Should().Be(Kills, $"seed {seed}");
        (await AssertCheckpointMatchesTheDestinationAsync(seed, kills)).Should().Be(Records, $"seed {seed}");
        Scalar("PRAGMA integrity_check").Should().Be("ok", $"seed {seed}");
    }

    /// <summary>
    /// Every record at or below the checkpoint is in the destination (the checkpoint is never ahead), nothing
    /// beyond it is (the writes committed with it), and no committed record was delivered twice.
    /// </summary>
    private async Task<int> AssertCheckpointMatchesTheDestinationAsync(int seed, int kills)
    {
        Cursor? checkpoint;
        using (var store = _database.OpenStore())
        {
            checkpoint = await store.Checkpoints.GetAsync(CrashSource.Job, default);
        }

        var covered = CrashSource.CoveredBy(checkpoint);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT key, deliveries FROM crash_rows";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(reader.GetString(0), reader.GetInt64(1));
            }
        }

        var because = $"after kill {kills}, checkpoint {checkpoint} (seed {seed})";
        var missing = Enumerable.Range(1, covered).Select(i => CrashSource.Record(i).Id).Where(id => !rows.ContainsKey(id)).Take(5).ToList();
        missing.Should().BeEmpty($"every record at or below the checkpoint is in the destination {because}");
        rows.Should().HaveCount(covered, $"the destination's writes commit with the checkpoint {because}");
        rows.Where(r => r.Value != 1).Should().BeEmpty($"no committed record is delivered again {because}");
        return covered;
    }

    private object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        connection.Open();
        return connection;
    }
}
