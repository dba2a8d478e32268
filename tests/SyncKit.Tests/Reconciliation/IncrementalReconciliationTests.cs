using System.Globalization;
using System.Threading.RateLimiting;
using SyncKit.Testing;
using Xunit.Abstractions;

namespace SyncKit.Tests.Reconciliation;

public sealed class IncrementalReconciliationTests(ITestOutputHelper output) : ReconciliationTestBase
{
    private const int Seed = 20_261_125;
    private const int Count = 2_000;

    [Fact]
    public async Task ReconcileIncrementalAsync_SourceDropping3PercentOfRecordsFromPolling_RepairsEveryGap()
    {
        var (source, destination, job, dropped) = await SyncThroughDroppingSourceAsync(o => o.Reconciliation.GapThreshold = 0.05);
        var checkpoint = await CheckpointAsync();

        var run = await Reconciler.ReconcileIncrementalAsync(job);

        var report = ReportOf(run);
        report.Missing.Should().Be(dropped.Count, $"seed {Seed}");
        report.Stale.Should().Be(0);
        report.CorrectionPaused.Should().BeFalse();
        report.Repaired.Should().Be(dropped.Count);
        destination.Rows.Keys.Order(StringComparer.Ordinal).Should().Equal(
            (await source.ListKeysAsync(Job, default).ToListAsync()).Order(StringComparer.Ordinal), $"every gap is repaired (seed {Seed})");
        (await Store.Runs.GetRunAsync(report.RepairRunId!, default))!.Kind.Should().Be(RunKind.Repair);
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_GapRateAboveTheDefaultThreshold_PausesAutoCorrectionUntilAnOperatorForcesIt()
    {
        var (_, destination, job, dropped) = await SyncThroughDroppingSourceAsync();

        var paused = ReportOf(await Reconciler.ReconcileIncrementalAsync(job));

        paused.CorrectionPaused.Should().BeTrue($"seed {Seed}");
        paused.GapThreshold.Should().Be(0.01);
        paused.GapRate.Should().BeApproximately(dropped.Count / (double)(Count - 1), 1e-9);
        paused.Repaired.Should().Be(0);
        paused.RepairRunId.Should().BeNull();
        destination.Rows.Should().HaveCount(Count - dropped.Count);
        var monitor = new SyncHealthMonitor(Engine);
        var health = await monitor.CheckAsync(new MonitoredJob(Job, job.Options));
        health.Status.Should().Be(JobHealthStatus.Degraded, "a polling bug must not hide behind reconciliation");
        health.ReconciliationPaused.Should().BeTrue();
        health.Reasons.Should().HaveCount(2).And.Contain(r => r.Contains("correction is paused", StringComparison.Ordinal))
            .And.Contain(r => r.Contains($"{dropped.Count} gap(s) are unrepaired", StringComparison.Ordinal), "the gaps it found stay open until a pass closes them");

        Time.Advance(TimeSpan.FromMinutes(1));
        var forced = ReportOf(await Reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Always));

        forced.CorrectionPaused.Should().BeFalse();
        forced.Repaired.Should().Be(dropped.Count);
        destination.Rows.Should().HaveCount(Count);
        (await monitor.CheckAsync(new MonitoredJob(Job, job.Options))).Status.Should().Be(JobHealthStatus.Healthy);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_RecordsPollingHasYetToRead_AreNotGaps()
    {
        var (source, _, job) = await SyncedAsync(100);
        source.Add(Record(500, -30));
        source.Add(Record(501, -20));

        var report = ReportOf(await Reconciler.ReconcileIncrementalAsync(job));

        report.Checked.Should().Be(99, "the window ends at the checkpoint (record 100) less the lookback, where polling's claim ends");
        report.Missing.Should().Be(0);
        report.WindowTo.Should().Be(T0.AddSeconds(-60) - Lookback);
        report.WindowFrom.Should().Be(T0.AddSeconds(-60) - Lookback - TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_SourceWithARateLimiter_TakesItsPermitsFromIt()
    {
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1_000,
            TokensPerPeriod = 1_000,
            ReplenishmentPeriod = TimeSpan.FromHours(1),
            AutoReplenishment = false,
            QueueLimit = 0,
        });
        var (_, _, job) = await SyncedAsync(1_000, o => { o.SourceRateLimiter = limiter; o.PageSize = 100; });
        var before = limiter.GetStatistics()!.TotalSuccessfulLeases;

        await Reconciler.ReconcileIncrementalAsync(job);

        (limiter.GetStatistics()!.TotalSuccessfulLeases - before).Should().Be(10, "one permit per page of the 999-record window");
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_WhileARegularRunPolls_WaitsForItToFinish()
    {
        var (source, _, job) = await SyncedAsync(100);
        var polling = new TaskCompletionSource();
        var pollingStarted = new TaskCompletionSource();
        source.BeforeRead = async (_, _) =>
        {
            pollingStarted.TrySetResult();
            await polling.Task;
        };
        var run = Engine.RunAsync(job);
        await pollingStarted.Task;

        // Everything before the pass's first source call completes synchronously in memory, so a pass that did
        // not yield would have compared the window by the time it returns its task.
        using var stop = new CancellationTokenSource();
        var waiting = Reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Automatic, stop.Token);
        await stop.CancelAsync();
        var cancelled = await waiting;

        cancelled.Outcome.Should().Be(RunOutcome.Cancelled);
        ReportOf(cancelled).Checked.Should().Be(0);

        polling.SetResult();
        await run;
        ReportOf(await Reconciler.ReconcileIncrementalAsync(job)).Checked.Should().Be(99);
    }

    private async Task<(ScriptedSource<TestRecord> Source, CollectingDestination<TestRecord> Destination, SyncJob<TestRecord> Job, HashSet<string> Dropped)> SyncThroughDroppingSourceAsync(
        Action<SyncJobOptions>? configure = null)
    {
        output.WriteLine($"seed {Seed}");
        var random = new Random(Seed);

        // 3% of the records, never the newest (polling's checkpoint lands on it, so every lost record lies before it).
        var dropped = Enumerable.Range(1, Count - 1).OrderBy(_ => random.Next()).Take(Count * 3 / 100)
            .Select(i => i.ToString(CultureInfo.InvariantCulture))
            .ToHashSet(StringComparer.Ordinal);
        var records = new ScriptedSource<TestRecord>(PastRecords(Count));
        var source = new DroppingSource<TestRecord>(records, dropped.Contains);
        var destination = NewDestination();
        var job = NewJob(source, destination, o => { o.PageSize = 100; configure?.Invoke(o); });
        (await Engine.RunAsync(job)).Counts.Read.Should().Be(Count - dropped.Count);
        return (records, destination, job, dropped);
    }
}
