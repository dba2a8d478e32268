using System.Collections.Concurrent;
using System.Diagnostics;
using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Diagnostics;

/// <summary>
/// A run id is the trace id of the run's span, and unique whatever the ambient trace: runs started under one
/// parent span (a request's, an operator command's) each start a trace of their own, linked to the parent, and
/// none overwrites another's record.
/// </summary>
public sealed class RunIdTests : EngineTestBase, IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public RunIdTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncKitDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task RunAsync_TwoRunsUnderOneParentSpan_GetDistinctIdsLinkedToTheParentAndBothRecordsSurvive()
    {
        var job = NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination());
        using var parent = new Activity("request").Start();

        RunRecord[] runs = [await Engine.RunAsync(job), await Engine.RunAsync(job)];

        await ShouldBeDistinctStoredAndLinkedAsync(parent, runs);
    }

    [Fact]
    public async Task ResetAsync_TwoOperatorActionsUnderOneParentSpan_GetDistinctIdsLinkedToTheParentAndBothRecordsSurvive()
    {
        var operations = new CheckpointOperations(Engine);
        using var parent = new Activity("operator command").Start();

        RunRecord[] runs =
        [
            await operations.ResetAsync(Job, Cursor.At(T0, "1"), "ops@example.com"),
            await operations.ResetAsync(Job, null, "ops@example.com"),
        ];

        await ShouldBeDistinctStoredAndLinkedAsync(parent, runs);
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_PassesAndTheirRepairsUnderOneParentSpan_GetDistinctIdsLinkedToTheirParentsAndAllRecordsSurvive()
    {
        var source = new ScriptedSource<TestRecord>([Record(1, -60)]);
        var job = NewJob(source, NewDestination());
        var reconciler = new SyncReconciler(Engine);
        using var parent = new Activity("request").Start();

        RunRecord[] passes = [await reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Always), await reconciler.ReconcileIncrementalAsync(job, CorrectionMode.Always)];

        await ShouldBeDistinctStoredAndLinkedAsync(parent, passes);
        var repairs = await Store.Runs.QueryRunsAsync(RunQuery.ForJob(Job) with { Kind = RunKind.Repair }, default);
        repairs.Should().NotBeEmpty("the first pass repairs the record the destination lacks");
        foreach (var repair in repairs)
        {
            var pass = passes.Should().ContainSingle(p => ReconciliationReport.FromRun(p)!.RepairRunId == repair.RunId).Subject;
            RunSpan(repair.RunId).Links.Should().ContainSingle().Which.Context.TraceId.ToHexString().Should().Be(pass.RunId, "a repair is linked to its pass");
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Checks that the runs have distinct ids, each with its own record in run history, that each run's span is a
    /// root linked to <paramref name="parent"/>, and that the parent is still the caller's current span.
    /// </summary>
    private async Task ShouldBeDistinctStoredAndLinkedAsync(Activity parent, RunRecord[] runs)
    {
        Activity.Current.Should().BeSameAs(parent, "a run leaves the caller's current span as it was");
        runs.Select(r => r.RunId).Should().OnlyHaveUniqueItems();
        foreach (var run in runs)
        {
            (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run, "no run's record overwrites another's");
            var span = RunSpan(run.RunId);
            span.ParentSpanId.Should().Be(default(ActivitySpanId), "a run's span starts a trace of its own");
            span.Links.Should().ContainSingle().Which.Context.Should().Be(parent.Context);
        }
    }

    private Activity RunSpan(string runId) =>
        _stopped.Should().ContainSingle(a => a.TraceId.ToHexString() == runId && a.Parent == null).Subject;
}
