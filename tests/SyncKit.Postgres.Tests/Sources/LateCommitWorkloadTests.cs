using SyncKit.TestPostgres;
using SyncKit.TestPostgres.LateCommits;
using Xunit.Abstractions;

namespace SyncKit.Postgres.Tests.Sources;

/// <summary>
/// Guarantee 15 against a real server: 8 writers, 2 % of transactions held 0.5–3 s, short ones waiting on their row
/// locks, plus a scripted late insert and a scripted update stamped earlier than the version it overwrites. The table
/// source and a hand-written poller sync the same table at lookback 0 into skip-older destinations, side by side.
/// </summary>
public sealed class LateCommitWorkloadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("now()")]
    [InlineData("clock_timestamp()")]
    public async Task TableSource_LateCommitsAtLookbackZero_EndsWithNothingMissingOrStaleReadingNoMoreThanPlainPolling(string stamp)
    {
        var server = await PostgresServer.InstanceAsync();
        await using var database = await ScratchDatabase.CreateAsync(server.ConnectionString, "late_commits");
        var shape = new WorkloadShape { Stamp = stamp };
        var workload = new LateCommitWorkload(database.DataSource, shape);
        await workload.CreateTableAsync();
        var engine = new SyncEngine(new InMemorySyncStateStore());
        var (tableRows, plainRows) = (new SkipOlderDestination(), new SkipOlderDestination());
        var table = new SyncLoop(engine, SyncLoop.Job("table", Invoice.TableSource(database.DataSource), tableRows, TimeSpan.Zero), Cadence);
        var plain = new SyncLoop(engine, SyncLoop.Job("plain", new PlainPollingSource(database.DataSource), plainRows, TimeSpan.Zero), Cadence);
        using var stop = new CancellationTokenSource();
        var loops = Task.WhenAll(table.RunAsync(stop.Token), plain.RunAsync(stop.Token));

        var scripted = Task.WhenAll(
            workload.LateInsertAsync(s => plain.PolledPastAsync(s, Patience)),
            workload.BackwardsUpdateAsync(s => plain.PolledPastAsync(s, Patience)));
        var (committed, held) = await workload.RunWritersAsync(scripted);
        await scripted;
        var writersEnded = DateTimeOffset.UtcNow;
        var databaseEnded = await workload.DatabaseNowAsync();
        var caughtUp = await table.CaughtUpAsync(writersEnded, databaseEnded, Patience);
        await plain.CaughtUpAsync(writersEnded, databaseEnded, Patience);
        await stop.CancelAsync();
        await loops;

        var rows = await workload.ReadTableAsync();
        var tableVerdict = WorkloadVerdict.Of(rows, tableRows.Rows, table.RowsRead);
        var plainVerdict = WorkloadVerdict.Of(rows, plainRows.Rows, plain.RowsRead);
        output.WriteLine($"{stamp}: {committed} transactions committed, {held} held long (seed {shape.Seed})");
        output.WriteLine($"table source: {tableVerdict}; caught up {caughtUp.EndedAt - writersEnded:g} after the writers stopped");
        output.WriteLine($"plain polling: {plainVerdict}; missing [{string.Join(", ", plainVerdict.Missing)}], stale [{string.Join(", ", plainVerdict.Stale)}]");

        held.Should().BePositive("the workload holds some transactions open long");
        table.Runs.Should().OnlyContain(r => r.Outcome == RunOutcome.Succeeded);
        tableVerdict.Missing.Should().BeEmpty("the table source never reads past a transaction still open");
        tableVerdict.Stale.Should().BeEmpty("it never read the version stamped later than the one that overwrote it");
        plainVerdict.Missing.Should().Contain(LateCommitWorkload.LateKey, "plain polling passed the late insert's stamp before it committed");
        plainVerdict.Stale.Should().Contain(LateCommitWorkload.BackwardsKey, "plain polling read the newer-stamped version, and the skip-older destination refuses the final one");
        tableVerdict.RowsRead.Should().BeLessThanOrEqualTo(plainVerdict.RowsRead, "waiting for the horizon folds a hot key's versions into one read");
    }
}
