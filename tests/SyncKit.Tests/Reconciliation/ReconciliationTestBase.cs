using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Reconciliation;

/// <summary>Engine set-up plus records that changed before now, so they fall inside reconciliation windows.</summary>
public abstract class ReconciliationTestBase : EngineTestBase
{
    protected ReconciliationTestBase() => Reconciler = new SyncReconciler(Engine);

    protected SyncReconciler Reconciler { get; }

    /// <summary>Records 1..count, one second apart, the last one a minute before now.</summary>
    protected static List<SourceRecord<TestRecord>> PastRecords(int count) =>
        [.. Enumerable.Range(1, count).Select(i => Record(i, i - count - 60))];

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

    protected static ReconciliationReport ReportOf(RunRecord run) =>
        ReconciliationReport.FromRun(run) ?? throw new InvalidOperationException($"Run {run.RunId} ({run.Kind}) has no reconciliation report.");
}
