using SyncKit.Testing;

namespace SyncKit.Tests.Reconciliation;

/// <summary>
/// A row whose timestamp went backwards: a transaction that waited on a lock stamped the final version before an
/// intermediate one polling had already synced, so a skip-older destination refuses the final version for ever.
/// </summary>
public sealed class UnrepairedGapTests : ReconciliationTestBase
{
    private const string Key = "42";

    [Fact]
    public async Task ReconcileIncrementalAsync_RepairTheDestinationSkips_ReportsTheGapUnrepairedAndHealthDegradedNamingIt()
    {
        var (_, destination, job) = await TimestampWentBackwardsAsync(Key);

        var run = await Reconciler.ReconcileIncrementalAsync(job);

        run.Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
        var report = ReportOf(run);
        report.Should().BeEquivalentTo(new { Stale = 1L, Repaired = 0L, Unrepaired = 1L, CorrectionPaused = false });
        report.UnrepairedKeys.Should().Equal(Key);
        (await Store.Runs.GetRunAsync(report.RepairRunId!, default))!.Counts.Skipped.Should().Be(1, "the repair was tried and refused");
        destination.Rows[Key].Payload.Should().BeNull("the destination kept the intermediate version");
        var health = await HealthAsync(job);
        health.Status.Should().Be(JobHealthStatus.Degraded);
        health.Reasons.Should().ContainSingle().Which.Should().Contain("unrepaired").And.Contain(Key).And.Contain(run.RunId);
        health.UnrepairedGaps.Should().Be(1);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_AfterAForceRepair_FindsTheGapClosedAndHealthTurnsHealthy()
    {
        var (_, destination, job) = await TimestampWentBackwardsAsync(Key);
        var unrepaired = ReportOf(await Reconciler.ReconcileIncrementalAsync(job)).UnrepairedKeys;
        Time.Advance(TimeSpan.FromMinutes(1));
        await new RepairOperations(Engine).ForceRepairAsync(job, unrepaired, "alice", "billing stamped it before the version it replaced");
        destination.Rows[Key].Payload.Should().Be("final");
        (await HealthAsync(job)).Status.Should().Be(JobHealthStatus.Degraded, "the gap stays known until a pass finds it closed");
        Time.Advance(TimeSpan.FromMinutes(1));

        var next = await Reconciler.ReconcileIncrementalAsync(job);

        next.Outcome.Should().Be(RunOutcome.Succeeded);
        ReportOf(next).Should().BeEquivalentTo(new { Stale = 0L, Unrepaired = 0L });
        var health = await HealthAsync(job);
        health.Status.Should().Be(JobHealthStatus.Healthy);
        health.Reasons.Should().BeEmpty();
        health.UnrepairedGaps.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_UnrepairedGapOutsideTheNextWindow_IsLookedUpByKeyUntilFoundClosed()
    {
        var (source, _, job) = await TimestampWentBackwardsAsync(Key);
        await Reconciler.ReconcileIncrementalAsync(job);

        // Polling moves on two days: the next window no longer covers the gap.
        source.Add(Record(500, 2 * 86_400));
        Time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        await Engine.RunAsync(job);
        var moved = await Reconciler.ReconcileIncrementalAsync(job);

        ReportOf(moved).Checked.Should().Be(0, "the window holds nothing polling claims to have applied");
        moved.Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
        ReportOf(moved).UnrepairedKeys.Should().Equal(Key);
        (await HealthAsync(job)).Reasons.Should().ContainSingle().Which.Should().Contain(Key).And.Contain(moved.RunId);

        await new RepairOperations(Engine).ForceRepairAsync(job, [Key], "alice");
        Time.Advance(TimeSpan.FromMinutes(1));
        var closed = await Reconciler.ReconcileIncrementalAsync(job);

        closed.Outcome.Should().Be(RunOutcome.Succeeded);
        ReportOf(closed).Unrepaired.Should().Be(0);
        (await HealthAsync(job)).Status.Should().Be(JobHealthStatus.Healthy);
    }

    [Fact]
    public async Task CheckAsync_WhileTheNextPassRuns_StillNamesTheGapItCarries()
    {
        var (source, _, job) = await TimestampWentBackwardsAsync(Key);
        await Reconciler.ReconcileIncrementalAsync(job);
        var polling = new TaskCompletionSource();
        var pollingStarted = new TaskCompletionSource();
        source.BeforeRead = async (_, _) =>
        {
            pollingStarted.TrySetResult();
            await polling.Task;
        };
        var run = Engine.RunAsync(job);
        await pollingStarted.Task;
        Time.Advance(TimeSpan.FromMinutes(1));

        // The pass records itself as running, then waits for polling to finish before reading the source.
        var waiting = Reconciler.ReconcileIncrementalAsync(job);
        var health = await HealthAsync(job);

        health.Status.Should().Be(JobHealthStatus.Degraded);
        health.Reasons.Should().ContainSingle().Which.Should().Contain(Key);
        polling.SetResult();
        await run;
        (await waiting).Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
    }

    [Fact]
    public async Task ReconcileFullAsync_GapLeftByAnIncrementalPassOutsideTheSample_StaysUnrepairedUntilForceRepaired()
    {
        var (_, _, job) = await TimestampWentBackwardsAsync(Key, o => o.Reconciliation.DriftSampleRate = 0);
        await Reconciler.ReconcileIncrementalAsync(job);
        Time.Advance(TimeSpan.FromMinutes(1));

        var full = await Reconciler.ReconcileFullAsync(job);

        full.Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
        ReportOf(full).Should().BeEquivalentTo(new { Stale = 0L, Unrepaired = 1L, Repaired = 0L }, "no sampled record is stale, yet the known gap is tried again and refused");
        (await HealthAsync(job)).Reasons.Should().ContainSingle().Which.Should().Contain(Key).And.Contain(full.RunId);

        await new RepairOperations(Engine).ForceRepairAsync(job, [Key], "alice");
        Time.Advance(TimeSpan.FromMinutes(1));

        ReportOf(await Reconciler.ReconcileFullAsync(job)).Unrepaired.Should().Be(0);
        (await HealthAsync(job)).Status.Should().Be(JobHealthStatus.Healthy);
    }

    private Task<JobHealth> HealthAsync(SyncJob<TestRecord> job) =>
        new SyncHealthMonitor(Engine).CheckAsync(new MonitoredJob(Job, job.Options));
}
