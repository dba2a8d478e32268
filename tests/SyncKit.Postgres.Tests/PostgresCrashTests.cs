using Npgsql;
using SyncKit.CrashHost;
using SyncKit.Postgres.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SyncKit.Postgres.Tests;

/// <summary>
/// Guarantees 1 and 5 under real crashes, as <c>SqliteCrashTests</c> checks them on SQLite: a child process syncs
/// into a destination table in the store's own schema, written in the store's transaction, and is SIGKILLed at
/// random instants (mid-batch, mid-commit, between pages); after every kill the checkpoint and the destination
/// agree exactly, and at the end every record is in the destination exactly once.
/// </summary>
[Collection(HostProcess.Collection)]
public sealed class PostgresCrashTests(ITestOutputHelper output) : PostgresTestBase
{
    private const int Records = 20_000;
    private const int Kills = 20;

    [Fact]
    public async Task RunAsync_KilledAt20RandomInstants_NeverLetsTheCheckpointPassTheDestinationAndEndsWithEveryRecordOnce()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(Server.ConnectionStringWith(Schema + "-crash", 4)) { SearchPath = Schema }.ConnectionString;
        var lastCheck = string.Empty;

        await CrashHostProcess.RunWithKillsAsync("postgres", connectionString, Records, Kills, when => AssertCheckpointMatchesTheDestinationAsync(lastCheck = when), output.WriteLine);

        (await AssertCheckpointMatchesTheDestinationAsync($"at the end, {lastCheck}")).Should().Be(Records);
    }

    private async Task<int> AssertCheckpointMatchesTheDestinationAsync(string when)
    {
        var checkpoint = await Store.Checkpoints.GetAsync(CrashSource.Job, default);
        var deliveries = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = DataSource.CreateCommand($"SELECT key, deliveries FROM \"{Schema}\".crash_rows"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                deliveries.Add(reader.GetString(0), reader.GetInt32(1));
            }
        }

        return CrashCheck.AssertDestinationMatchesCheckpoint(checkpoint, deliveries, when);
    }
}
