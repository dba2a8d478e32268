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

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task RunAsync_KilledAt20RandomInstants_NeverLetsTheCheckpointPassTheDestinationAndEndsWithEveryRecordOnce()
    {
        var lastCheck = string.Empty;

        await CrashHostProcess.RunWithKillsAsync("sqlite", _database.Path, Records, Kills, when => AssertCheckpointMatchesTheDestinationAsync(lastCheck = when), output.WriteLine);

        (await AssertCheckpointMatchesTheDestinationAsync($"at the end, {lastCheck}")).Should().Be(Records);
        Scalar("PRAGMA integrity_check").Should().Be("ok", lastCheck);
    }

    private async Task<int> AssertCheckpointMatchesTheDestinationAsync(string when)
    {
        Cursor? checkpoint;
        using (var store = _database.OpenStore())
        {
            checkpoint = await store.Checkpoints.GetAsync(CrashSource.Job, default);
        }

        var deliveries = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var connection = Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT key, deliveries FROM crash_rows";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                deliveries.Add(reader.GetString(0), reader.GetInt64(1));
            }
        }

        return CrashCheck.AssertDestinationMatchesCheckpoint(checkpoint, deliveries, when);
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
