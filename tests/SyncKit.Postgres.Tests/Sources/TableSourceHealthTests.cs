using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Postgres.Tests.Sources;

/// <summary>Guarantee 16 with a real horizon: a session left idle in a transaction is never hidden behind a healthy job.</summary>
public sealed class TableSourceHealthTests : TableSourceTestBase
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task CheckAsync_SessionLeftIdleInATransaction_RunsSucceedWhileLagGrowsAndHealthNamesTheSessionUntilItEnds()
    {
        // The engine's clock starts at the database's, so lag compares the database's horizon with it.
        var time = new FakeTimeProvider(new DateTimeOffset(await Database.ScalarAsync<DateTime>("SELECT now()")));
        var engine = new SyncEngine(new InMemorySyncStateStore(time), time);
        // No margin: the run after the transaction ends reads what was committed a moment before.
        var job = new SyncJob<string>(Job, Source(o => o.HorizonMargin = TimeSpan.Zero), new CollectingDestination<string>(_ => 1))
        {
            Options = new SyncJobOptions { Cadence = Cadence, Lookback = TimeSpan.Zero, RetryBaseDelay = TimeSpan.Zero },
        };
        var monitor = new SyncHealthMonitor(engine);
        await InsertAsync("now() - interval '1 minute'", 1);
        var idle = await OpenIdleTransactionAsync("reporting-tool");
        await InsertAsync("now()", 2);

        var first = await engine.RunAsync(job);
        var fresh = await monitor.CheckAsync(new MonitoredJob(Job, job.Options));
        time.Advance(Cadence * 3);
        var held = await engine.RunAsync(job);
        var stalled = await monitor.CheckAsync(new MonitoredJob(Job, job.Options));
        await idle.Transaction.CommitAsync();
        var released = await engine.RunAsync(job);

        (first.Outcome, held.Outcome).Should().Be((RunOutcome.Succeeded, RunOutcome.Succeeded), "reading up to the horizon is no failure");
        (first.Counts.Read, held.Counts.Read, released.Counts.Read).Should().Be((1L, 0L, 1L), "invoice 2 waits for the idle transaction to end");
        fresh.Status.Should().Be(JobHealthStatus.Healthy);
        stalled.Status.Should().Be(JobHealthStatus.Stalled);
        stalled.Lag.Should().BeGreaterThan(Cadence * 2, "lag is measured from the horizon, not from the run that just succeeded");
        stalled.Horizon.Should().Be(held.Horizon);
        stalled.Reasons.Should().Contain(r => r.Contains("lag"))
            .And.Contain(r => r.Contains($"pid {idle.Pid}") && r.Contains("application 'reporting-tool'") && r.Contains("idle in transaction"));
        released.Horizon!.HeldBy.Should().BeNull();
    }
}
