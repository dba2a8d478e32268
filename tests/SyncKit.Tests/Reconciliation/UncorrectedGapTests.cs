using SyncKit.Testing;

namespace SyncKit.Tests.Reconciliation;

/// <summary>
/// Gaps a pass found and did not correct (its gap rate paused correction, or it only reports) stay known after polling
/// moves on: the next window no longer covers them, yet health stays degraded naming them until a pass closes them.
/// </summary>
public sealed class UncorrectedGapTests : ReconciliationTestBase
{
    private const int Count = 100;

    // 5 % of the records, above the default 1 % threshold; never the newest, where polling's checkpoint lands.
    private static readonly string[] Dropped = ["11", "23", "37", "52", "78"];

    [Fact]
    public async Task ReconcileIncrementalAsync_AfterAPausedPassTheWindowMovesOnAndLooksClean_KeepsTheGapsOpenForAnOperator()
    {
        var (source, destination, job) = await SyncThroughDroppingSourceAsync();
        var paused = await Reconciler.ReconcileIncrementalAsync(job);
        paused.Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
        ReportOf(paused).Should().BeEquivalentTo(new { CorrectionPaused = true, Missing = 5L, Repaired = 0L, Unrepaired = 5L });
        ReportOf(paused).UnrepairedKeys.Should().BeEquivalentTo(Dropped);

        await PollingMovesOnTwoDaysAsync(source, job);
        var next = await Reconciler.ReconcileIncrementalAsync(job);

        var report = ReportOf(next);
        report.Missing.Should().Be(0, "the window moved past every dropped record");
        report.Should().BeEquivalentTo(new { CorrectionPaused = true, Repaired = 0L, Unrepaired = 5L }, "a clean window says nothing about the gaps the paused pass left to an operator");
        report.UnrepairedKeys.Should().BeEquivalentTo(Dropped);
        next.Outcome.Should().Be(RunOutcome.CompletedWithUnrepairedGaps);
        destination.Rows.Keys.Should().NotContain(Dropped);
        var health = await HealthAsync(job);
        health.Status.Should().Be(JobHealthStatus.Degraded);
        health.ReconciliationPaused.Should().BeTrue();
        health.Reasons.Should().Contain(r => r.Contains("paused", StringComparison.Ordinal) && r.Contains(next.RunId, StringComparison.Ordinal));
        health.Reasons.Should().Contain(r => Dropped.All(k => r.Contains(k, StringComparison.Ordinal)));

        Time.Advance(TimeSpan.FromMinutes(1));
        var forced = ReportOf(await Reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Always));

        forced.Should().BeEquivalentTo(new { CorrectionPaused = false, Repaired = 5L, Unrepaired = 0L });
        destination.Rows.Keys.Should().Contain(Dropped);
        (await HealthAsync(job)).Status.Should().Be(JobHealthStatus.Healthy);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_ReportOnlyPassesAfterTheWindowMovedOn_KeepHealthDegradedNamingTheGaps()
    {
        var (source, _, job) = await SyncThroughDroppingSourceAsync();
        var reported = ReportOf(await Reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Never));
        reported.Should().BeEquivalentTo(new { CorrectionPaused = false, Missing = 5L, Unrepaired = 5L });

        await PollingMovesOnTwoDaysAsync(source, job);
        var next = await Reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Never);

        ReportOf(next).UnrepairedKeys.Should().BeEquivalentTo(Dropped, "each gap is looked up by key and found still open");
        var health = await HealthAsync(job);
        health.Status.Should().Be(JobHealthStatus.Degraded);
        health.Reasons.Should().ContainSingle().Which.Should().Contain("5 gap(s)").And.Contain(next.RunId);
    }

    [Fact]
    public async Task ReconcileFullAsync_PausedByItsGapRate_CarriesEveryMissingKeyIntoTheNextPass()
    {
        var (_, destination, job) = await SyncThroughDroppingSourceAsync(o => o.Reconciliation.DriftSampleRate = 0);

        var paused = ReportOf(await Reconciler.ReconcileFullAsync(job));

        paused.Should().BeEquivalentTo(new { CorrectionPaused = true, Missing = 5L, Unrepaired = 5L });
        paused.UnrepairedKeys.Should().BeEquivalentTo(Dropped);
        Time.Advance(TimeSpan.FromMinutes(1));
        ReportOf(await Reconciler.ReconcileIncrementalAsync(job)).UnrepairedKeys.Should().BeEquivalentTo(Dropped);
        destination.Rows.Keys.Should().NotContain(Dropped);
    }

    private async Task<(ScriptedSource<TestRecord> Source, CollectingDestination<TestRecord> Destination, SyncJob<TestRecord> Job)> SyncThroughDroppingSourceAsync(
        Action<SyncJobOptions>? configure = null)
    {
        var records = new ScriptedSource<TestRecord>(PastRecords(Count));
        var source = new DroppingSource<TestRecord>(records, Dropped.Contains);
        var destination = NewDestination();
        var job = NewJob(source, destination, configure);
        (await Engine.RunAsync(job)).Counts.Read.Should().Be(Count - Dropped.Length);
        return (records, destination, job);
    }

    /// <summary>Two days of new records polled: the next incremental window covers them only.</summary>
    private async Task PollingMovesOnTwoDaysAsync(ScriptedSource<TestRecord> source, SyncJob<TestRecord> job)
    {
        const int twoDays = 2 * 86_400;
        Time.Advance(TimeSpan.FromSeconds(twoDays));
        for (var i = 1; i <= 10; i++)
        {
            source.Add(Record(Count + i, twoDays - (int)Lookback.TotalSeconds - 120 + i));
        }

        source.Add(Record(Count + 11, twoDays - 60));
        (await Engine.RunAsync(job)).Counts.Written.Should().Be(11);
        Time.Advance(TimeSpan.FromMinutes(1));
    }

    private Task<JobHealth> HealthAsync(SyncJob<TestRecord> job) =>
        new SyncHealthMonitor(Engine).CheckAsync(new MonitoredJob(Job, job.Options));
}
