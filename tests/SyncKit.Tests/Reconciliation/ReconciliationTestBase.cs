using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Reconciliation;

/// <summary>Engine set-up plus records that changed before now, so they fall inside reconciliation windows.</summary>
public abstract class ReconciliationTestBase : EngineTestBase
{
    protected ReconciliationTestBase() => Reconciler = new SyncReconciler(Engine);

    protected SyncReconciler Reconciler { get; }

    /// <summary>The product's default lookback, which the jobs of these tests keep.</summary>
    protected static readonly TimeSpan Lookback = new SyncJobOptions().Lookback;

    /// <summary>
    /// Records 1..count: the last a minute before now, where polling's checkpoint lands, and the others one second
    /// apart ending a lookback before it. An incremental pass's window ends at the checkpoint less the lookback
    /// (what polling re-reads is still polling's), so it holds every record but the last.
    /// </summary>
    protected static List<SourceRecord<TestRecord>> PastRecords(int count) =>
        [.. Enumerable.Range(1, count).Select(i => Record(i, i == count ? -60 : i - count - 60 - (int)Lookback.TotalSeconds))];

    /// <summary>A source with <see cref="PastRecords"/>, synced once into a new destination.</summary>
    protected async Task<(ScriptedSource<TestRecord> Source, CollectingDestination<TestRecord> Destination, SyncJob<TestRecord> Job)> SyncedAsync(
        int count,
        Action<SyncJobOptions>? configure = null)
    {
        var source = new ScriptedSource<TestRecord>(PastRecords(count));
        var destination = NewDestination();
        var job = NewJob(source, destination, configure);
        (await Engine.RunAsync(job)).Outcome.Should().Be(RunOutcome.Succeeded);
        return (source, destination, job);
    }

    /// <summary>
    /// Records 1..100 synced into a destination that skips a version not stamped later than its row's; then record
    /// <paramref name="key"/>'s final version arrives stamped 30 s before the one synced, as a transaction that
    /// waited on a lock stamps it, so the destination refuses it for ever.
    /// </summary>
    protected async Task<(ScriptedSource<TestRecord> Source, CollectingDestination<TestRecord> Destination, SyncJob<TestRecord> Job)> TimestampWentBackwardsAsync(
        string key,
        Action<SyncJobOptions>? configure = null)
    {
        var source = new ScriptedSource<TestRecord>(PastRecords(100));
        var destination = new CollectingDestination<TestRecord>(r => r.UpdatedAt.UtcTicks);
        var job = NewJob(source, destination, o => { o.Reconciliation.GapThreshold = 0.05; configure?.Invoke(o); });
        (await Engine.RunAsync(job)).Counts.Written.Should().Be(100);
        var synced = destination.Rows[key];
        source.Add(new TestRecord(key, synced.UpdatedAt.AddSeconds(-30), 2, "final").ToSourceRecord());
        return (source, destination, job);
    }

    protected static ReconciliationReport ReportOf(RunRecord run) =>
        ReconciliationReport.FromRun(run) ?? throw new InvalidOperationException($"Run {run.RunId} ({run.Kind}) has no reconciliation report.");
}
