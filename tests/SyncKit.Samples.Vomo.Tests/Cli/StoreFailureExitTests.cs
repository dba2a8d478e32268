using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>A damaged CRM table is the database's failure, not VOMO's: no retries, its own message and exit code.</summary>
public sealed class StoreFailureExitTests
{
    [Fact]
    public async Task Sync_CrmTableWithADamagedPage_ExitsStoreFailedSayingTheDatabaseIsDamaged()
    {
        await using var cli = await CliHarness.StartAsync(users: 30, projects: 2, groups: 2);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        (await cli.RunAsync("checkpoint", "reset", "--tenant", "acme", "--resource", "users")).ExitCode.Should().Be(ExitCodes.Done);
        DamageRootPage(cli, "crm_contacts");

        var (exitCode, output) = await cli.RunAsync("sync");

        exitCode.Should().Be(ExitCodes.StoreFailed, output);
        output.Should().Contain("The SQLite database is damaged").And.Contain("backup");
        var stopped = cli.Rows("SELECT error FROM synckit_runs WHERE stream = 'users' AND kind = 'Sync' AND outcome = 'Stopped'");
        stopped.Should().ContainSingle().Which[0].Should().BeOfType<string>().Which.Should().Contain("damaged");
        cli.Scalar("SELECT COUNT(*) FROM synckit_dead_letters").Should().Be(0L, "nothing is dead-lettered into the broken database");
    }

    /// <summary>Overwrites a table's root page with garbage, as a failing disk would, once every write has reached the file.</summary>
    private static void DamageRootPage(CliHarness cli, string table)
    {
        cli.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        var root = Convert.ToInt64(cli.Scalar($"SELECT rootpage FROM sqlite_master WHERE name = '{table}'"), System.Globalization.CultureInfo.InvariantCulture);
        var pageSize = Convert.ToInt64(cli.Scalar("PRAGMA page_size"), System.Globalization.CultureInfo.InvariantCulture);
        SqliteConnection.ClearAllPools();
        using var file = File.OpenWrite(cli.Store["sqlite:".Length..]);
        file.Seek((root - 1) * pageSize, SeekOrigin.Begin);
        file.Write(Enumerable.Repeat((byte)0xA5, (int)pageSize).ToArray());
    }
}
