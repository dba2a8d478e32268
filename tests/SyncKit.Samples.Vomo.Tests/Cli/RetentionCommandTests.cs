using System.Globalization;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>A <c>sync</c> run from cron purges history as a host would, and <c>status</c> says how long history is kept.</summary>
public sealed class RetentionCommandTests
{
    [Fact]
    public async Task Sync_HistoryOlderThanTheDefaultRetention_IsPurgedAndStatusSaysHowLongHistoryIsKept()
    {
        await using var cli = await CliHarness.StartAsync(users: 10, projects: 2, groups: 2);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        var ended = cli.Sim.Time.GetUtcNow().AddDays(-91).UtcTicks.ToString(CultureInfo.InvariantCulture);
        cli.Execute($$"""
            INSERT INTO synckit_runs (run_id, tenant, stream, started_at, ended_at, outcome, read_count, written_count, skipped_count,
                                      deduplicated_count, retried_count, dead_lettered_count, errors_by_class, sample_record_keys, kind)
            VALUES ('ninety-one-days-old', 'acme', 'users', {{ended}}, {{ended}}, 'Succeeded', 0, 0, 0, 0, 0, 0, '{}', '[]', 'Sync')
            """);

        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);

        cli.Scalar("SELECT count(*) FROM synckit_runs WHERE run_id = 'ninety-one-days-old'").Should().Be(0L);
        cli.Scalar("SELECT count(*) FROM synckit_runs").Should().Be(6L, "the two cycles' runs stay");
        var (exitCode, output) = await cli.RunAsync("status");
        exitCode.Should().Be(ExitCodes.Done);
        output.Should().Contain("History kept: runs 90 days, audit entries 30 days, dedup keys for ever");
    }
}
