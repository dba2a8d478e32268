using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Health;

/// <summary>A source horizon held back by an open transaction shows in health: lag grows from it and the holder is named.</summary>
public sealed class HorizonHealthTests : EngineTestBase
{
    private const string Holder = "the transaction open since 2026-01-01 00:00:00Z (pid 4242, application 'psql', idle in transaction)";
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task CheckAsync_HorizonHeldByAnOpenTransaction_LagGrowsDegradedThenStalledNamingItAndHealthyOnceReleased()
    {
        var source = new HorizonSource(new ScriptedSource<TestRecord>([Record(1, -10)])) { Horizon = new SourceHorizon(T0, Holder) };
        var job = NewJob(source, NewDestination(), o => o.Cadence = Cadence);
        var monitor = new SyncHealthMonitor(Engine);
        var checks = new List<JobHealth>();
        foreach (var step in Enumerable.Range(0, 6))
        {
            (await Engine.RunAsync(job)).Outcome.Should().Be(RunOutcome.Succeeded, "every run succeeds: it reads up to the horizon");
            checks.Add(await monitor.CheckAsync(Monitored(job)));
            Time.Advance(Cadence / 2);
        }

        source.Horizon = new SourceHorizon(Time.GetUtcNow() - TimeSpan.FromSeconds(1));
        await Engine.RunAsync(job);
        var released = await monitor.CheckAsync(Monitored(job));

        checks.Select(c => c.Lag).Should().Equal([.. Enumerable.Range(0, 6).Select(i => Cadence / 2 * i)], "lag is measured from the horizon, not from the run");
        checks.Select(c => c.Status).Should().Equal(
            JobHealthStatus.Healthy, JobHealthStatus.Healthy, JobHealthStatus.Healthy, JobHealthStatus.Degraded, JobHealthStatus.Degraded, JobHealthStatus.Stalled);
        checks[3].Reasons.Should().ContainSingle().Which.Should().Contain(Holder).And.Contain("2026-01-01 00:00:00Z");
        checks[5].Reasons.Should().HaveCount(2).And.Contain(r => r.Contains("lag")).And.Contain(r => r.Contains(Holder));
        checks[5].Horizon.Should().Be(new SourceHorizon(T0, Holder));
        released.Status.Should().Be(JobHealthStatus.Healthy);
        released.Lag.Should().Be(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task CheckAsync_HorizonBoundOnlyByTheClock_IsNotACause()
    {
        var source = new HorizonSource(new ScriptedSource<TestRecord>([Record(1, -10)])) { Horizon = new SourceHorizon(T0.AddSeconds(-1)) };
        var job = NewJob(source, NewDestination(), o => o.Cadence = Cadence);
        await Engine.RunAsync(job);
        Time.Advance(Cadence * 1.5);

        var health = await new SyncHealthMonitor(Engine).CheckAsync(Monitored(job));

        health.Status.Should().Be(JobHealthStatus.Healthy, "a run a cadence and a half ago is within the stall limit");
        health.Lag.Should().Be(Cadence * 1.5 + TimeSpan.FromSeconds(1));
    }

    private static MonitoredJob Monitored(SyncJob<TestRecord> job) => new(job.Id, job.Options);
}
