using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Health;

public sealed class SyncHealthMonitorTests : EngineTestBase
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task CheckAsync_JobStopsAdvancing_TurnsStalledOnceLagPassesTwoCadencesAndHealthyAfterTheNextRun()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i - 100)));
        var job = NewJob(source, NewDestination(), o => o.Cadence = Cadence);
        var monitor = new SyncHealthMonitor(Engine);
        await Engine.RunAsync(job);

        var fresh = await monitor.CheckAsync(Monitored(job));
        Time.Advance(Cadence * 2);
        var late = await monitor.CheckAsync(Monitored(job));
        Time.Advance(TimeSpan.FromSeconds(1));
        var stalled = await monitor.CheckAsync(Monitored(job));
        await Engine.RunAsync(job);
        var recovered = await monitor.CheckAsync(Monitored(job));

        fresh.Should().BeEquivalentTo(new { Status = JobHealthStatus.Healthy, Lag = TimeSpan.Zero, LastSuccessAt = T0, LastOutcome = RunOutcome.Succeeded });
        fresh.Reasons.Should().BeEmpty();
        late.Status.Should().Be(JobHealthStatus.Healthy, "a lag of exactly two cadences is not yet a stall");
        stalled.Status.Should().Be(JobHealthStatus.Stalled);
        stalled.Lag.Should().Be(Cadence * 2 + TimeSpan.FromSeconds(1));
        stalled.Reasons.Should().ContainSingle().Which.Should().Contain("lag");
        recovered.Status.Should().Be(JobHealthStatus.Healthy, "a run that found nothing new still proves the job current");
    }

    [Fact]
    public async Task CheckAsync_FailuresBeyondTheErrorBudget_DegradedThenStalledThenHealthyAsTheyAgeOut()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 100).Select(i => Record(i, i - 1_000)));
        var destination = NewDestination();
        destination.Fail = r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) % 20 == 0 ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        var job = NewJob(source, destination, o => o.Cadence = Cadence);
        var monitor = new SyncHealthMonitor(Engine, new SyncHealthOptions { ErrorBudget = 0.01, ErrorBudgetWindow = TimeSpan.FromHours(1) });

        await Engine.RunAsync(job);
        var degraded = await monitor.CheckAsync(Monitored(job));
        Time.Advance(Cadence * 3);
        var stalled = await monitor.CheckAsync(Monitored(job));
        destination.Fail = null;
        await new DeadLetterOperations(Engine).DiscardAsync(Job, ["20", "40", "60", "80", "100"], "erin");
        Time.Advance(TimeSpan.FromHours(1));
        await Engine.RunAsync(job);
        var healthy = await monitor.CheckAsync(Monitored(job));

        degraded.Status.Should().Be(JobHealthStatus.Degraded);
        degraded.FailedShare.Should().BeApproximately(0.05, 1e-9);
        degraded.ErrorBudgetBurn.Should().BeApproximately(5, 1e-9);
        degraded.DeadLetters.Should().Be(5);
        degraded.Reasons.Should().ContainSingle().Which.Should().Contain("error budget");
        stalled.Status.Should().Be(JobHealthStatus.Stalled);
        stalled.Reasons.Should().HaveCount(2, "the stall comes first, the burning budget still shows");
        healthy.Status.Should().Be(JobHealthStatus.Healthy);
        healthy.ErrorBudgetBurn.Should().Be(0);
    }

    [Fact]
    public async Task CheckAsync_OpenDestinationBreaker_IsDegradedAndNamesIt()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i - 100)));
        var destination = NewDestination();
        destination.BeforeWrite = (_, _) => throw new TimeoutException("the CRM does not answer");
        var job = NewJob(source, destination, o =>
        {
            o.Partitions = 1;
            o.MaxRetryAttempts = 3;
            o.RetryMaxDelay = TimeSpan.Zero;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(1);
        });
        var monitor = new SyncHealthMonitor(Engine);

        (await Engine.RunAsync(job)).Outcome.Should().Be(RunOutcome.Failed);
        var health = await monitor.CheckAsync(Monitored(job));

        health.Status.Should().Be(JobHealthStatus.Degraded);
        health.Breakers.Should().Be(new JobBreakerStates(BreakerState.Closed, BreakerState.Open));
        health.LastOutcome.Should().Be(RunOutcome.Failed);
        health.Reasons.Should().Contain(r => r.Contains("destination circuit breaker is Open"));
    }

    [Fact]
    public async Task CheckAsync_DeadLetterQueueGrowingAndParked_ReportsGrowthOverTheWindowAndParkedEntries()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i - 100)));
        var destination = NewDestination();
        destination.Fail = r => r.Key is "3" or "4" or "5" ? RecordOutcome.Failed(ErrorClass.Conflict, "locked") : null;
        var job = NewJob(source, destination, o => { o.DeadLetters.MaxAttempts = 2; o.DeadLetters.BaseDelay = TimeSpan.Zero; });
        var monitor = new SyncHealthMonitor(Engine, new SyncHealthOptions { MaxDeadLetterGrowth = 2, ErrorBudget = 1, DeadLetterGrowthWindow = TimeSpan.FromHours(1) });

        var before = await monitor.CheckAsync(Monitored(job));
        await Engine.RunAsync(job);
        var grown = await monitor.CheckAsync(Monitored(job));
        Time.Advance(TimeSpan.FromMinutes(61));
        await Engine.RunAsync(job);
        var parked = await monitor.CheckAsync(Monitored(job));

        before.Should().BeEquivalentTo(new { Status = JobHealthStatus.Healthy, DeadLetters = 0, DeadLetterGrowth = 0 });
        grown.Should().BeEquivalentTo(new { Status = JobHealthStatus.Degraded, DeadLetters = 3, DeadLetterGrowth = 3, HasParkedDeadLetters = false });
        grown.Reasons.Should().ContainSingle().Which.Should().Contain("grew by 3");
        parked.Should().BeEquivalentTo(new { Status = JobHealthStatus.Degraded, DeadLetters = 3, DeadLetterGrowth = 0, HasParkedDeadLetters = true });
        parked.Reasons.Should().ContainSingle().Which.Should().Contain("parked");
    }

    [Fact]
    public async Task CheckAsync_AuthenticationFailure_IsStalledAtOnce()
    {
        var source = new ScriptedSource<TestRecord>([Record(1, -10)]);
        source.FailNextRead(new SyncException(ErrorClass.Authentication, "401"));
        var job = NewJob(source, NewDestination());

        await Engine.RunAsync(job);
        var health = await new SyncHealthMonitor(Engine).CheckAsync(Monitored(job));

        health.Status.Should().Be(JobHealthStatus.Stalled);
        health.Lag.Should().BeNull("the job never succeeded");
        health.Reasons.Should().ContainSingle().Which.Should().Contain("401");
    }

    private static MonitoredJob Monitored(SyncJob<TestRecord> job) => new(job.Id, job.Options);
}
