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
        var listed = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        await new DeadLetterOperations(Engine).DiscardAsync(Job, [.. listed.Select(DeadLetterId.Of)], "erin");
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
        // The failing records lie inside the lookback, so the second run re-reads them after its re-drive parked
        // them: failing again there must not reset them to pending.
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

    [Fact]
    public async Task CheckAllAsync_ManyJobs_JudgesEachAsCheckAsyncAndThePerJobReadsDo()
    {
        JobId healthy = new("tenant-a", "invoices"), failed = new("tenant-a", "customers"), parked = new("tenant-b", "invoices"), stopped = new("tenant-b", "orders"), empty = new("tenant-c", "invoices");
        await Store.Checkpoints.SaveAsync(healthy, Cursor.At(T0.AddMinutes(-1), "1"), default);
        foreach (var run in (RunRecord[])[
            Run("h-1", healthy, -2, RunOutcome.Succeeded),
            Run("f-1", failed, -8, RunOutcome.Succeeded),
            Run("f-2", failed, -3, RunOutcome.Failed),
            Run("p-1", parked, -4, RunOutcome.CompletedWithDeadLetters),
            Run("p-2", parked, -30, RunOutcome.Succeeded) with
            {
                Kind = RunKind.IncrementalReconciliation,
                Report = """{"kind":"IncrementalReconciliation","gapRate":0.2,"gapThreshold":0.05,"correctionPaused":true}""",
            },
            Run("s-1", stopped, -180, RunOutcome.Succeeded),
            Run("s-2", stopped, -120, RunOutcome.CompletedWithDeadLetters),
            Run("s-3", stopped, -60, RunOutcome.Stopped),
        ])
        {
            await Store.Runs.SaveRunAsync(run, default);
        }

        await Store.DeadLetters.AddAsync(
            [new DeadLetter(parked, "7", Cursor.At(T0, "7"), "{}", ErrorClass.Validation, "bad", 5, T0, T0, null, DeadLetterStatus.Parked)], default);
        MonitoredJob[] jobs = [.. new[] { healthy, failed, parked, stopped, empty }.Select(j => new MonitoredJob(j, new SyncJobOptions { Cadence = Cadence }))];

        var all = await new SyncHealthMonitor(Engine).CheckAllAsync(jobs);
        var single = new SyncHealthMonitor(Engine);
        var oneByOne = new List<JobHealth>();
        foreach (var job in jobs)
        {
            oneByOne.Add(await single.CheckAsync(job));
        }

        var perJobReads = await new SyncHealthMonitor(new SyncEngine(new PerJobReadsStore(Store), Time)).CheckAllAsync(jobs);

        all.Select(h => h.Status).Should().Equal(JobHealthStatus.Healthy, JobHealthStatus.Degraded, JobHealthStatus.Degraded, JobHealthStatus.Stalled, JobHealthStatus.Healthy);
        all[2].Reasons.Should().HaveCount(3).And.Contain(r => r.Contains("error budget")).And.Contain(r => r.Contains("parked")).And.Contain(r => r.Contains("run p-2"));
        all[3].Lag.Should().Be(TimeSpan.FromMinutes(120), "the later of the succeeded and the dead-lettering run counts");
        all[3].LastSuccessAt.Should().Be(T0.AddMinutes(-119));
        all.Should().BeEquivalentTo(oneByOne, o => o.WithStrictOrdering());
        all.Should().BeEquivalentTo(perJobReads, o => o.WithStrictOrdering());
    }

    private static RunRecord Run(string runId, JobId job, int startedMinutes, RunOutcome outcome) => new(
        runId,
        job,
        T0.AddMinutes(startedMinutes),
        T0.AddMinutes(startedMinutes + 1),
        outcome,
        null,
        null,
        new RunCounts(10, 10, 0, 0, 0, outcome == RunOutcome.CompletedWithDeadLetters ? 1 : 0),
        new Dictionary<ErrorClass, long>(),
        [],
        outcome is RunOutcome.Failed or RunOutcome.Stopped ? $"{runId} went wrong" : null);

    private static MonitoredJob Monitored(SyncJob<TestRecord> job) => new(job.Id, job.Options);

    /// <summary>A store that answers health inputs with the interface's default: the per-job reads.</summary>
    private sealed class PerJobReadsStore(InMemorySyncStateStore inner) : ISyncStateStore
    {
        public ICheckpointStore Checkpoints => inner.Checkpoints;

        public IDedupStore Dedup => inner.Dedup;

        public IDeadLetterStore DeadLetters => inner.DeadLetters;

        public IRunHistoryStore Runs => inner.Runs;

        public ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken) => inner.BeginTransactionAsync(job, cancellationToken);
    }
}
