using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private const string PausedReport = """{"kind":"IncrementalReconciliation","gapRate":0.2,"gapThreshold":0.05,"correctionPaused":true}""";

    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> HealthInputCases() =>
    [
        Case(nameof(HealthInputs_ReadHealthInputsAsync_SeveralJobs_ReadsEachJobsOwnInputsInOrder), k => k.HealthInputs_ReadHealthInputsAsync_SeveralJobs_ReadsEachJobsOwnInputsInOrder()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_TiesOnStartedAt_LatestIsTheGreaterRunId), k => k.HealthInputs_ReadHealthInputsAsync_TiesOnStartedAt_LatestIsTheGreaterRunId()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_UnknownJobOrEmptyList_ReadsNothing), k => k.HealthInputs_ReadHealthInputsAsync_UnknownJobOrEmptyList_ReadsNothing()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_WindowStart_CountsRunsStartedAtOrAfterIt), k => k.HealthInputs_ReadHealthInputsAsync_WindowStart_CountsRunsStartedAtOrAfterIt()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_WindowStartsInsideAnHour_CountsLastSavedRunsFromItsStart), k => k.HealthInputs_ReadHealthInputsAsync_WindowStartsInsideAnHour_CountsLastSavedRunsFromItsStart()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_RunsWithAHorizon_CarryItInTheirSummaries), k => k.HealthInputs_ReadHealthInputsAsync_RunsWithAHorizon_CarryItInTheirSummaries()),
        Case(nameof(HealthInputs_ReadHealthInputsAsync_ParkedOrPending_CountsAllAndFlagsOnlyParked), k => k.HealthInputs_ReadHealthInputsAsync_ParkedOrPending_CountsAllAndFlagsOnlyParked()),
    ];

    /// <summary>
    /// Each job of a list gets its own checkpoint, latest runs of each kind, window counts and dead letters, in the
    /// order asked, a repeated job included: nothing leaks between jobs of the same tenant or stream.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_SeveralJobs_ReadsEachJobsOwnInputsInOrder()
    {
        var syncA = NewRun("a-sync-2", JobA, 20, RunOutcome.Failed);
        var successA = NewRun("a-sync-1", JobA, 10, RunOutcome.CompletedWithDeadLetters);
        var incrementalA = NewRun("a-inc", JobA, 5) with { Kind = RunKind.IncrementalReconciliation, Report = PausedReport };
        var fullA = NewRun("a-full", JobA, 3) with { Kind = RunKind.FullReconciliation, Report = """{"kind":"FullReconciliation"}""" };
        var backfillA = NewRun("a-backfill", JobA, 30) with { Kind = RunKind.Backfill };
        var syncB = NewRun("b-sync", JobB, 40);
        var syncC = NewRun("c-sync", JobC, 50, RunOutcome.Running);
        foreach (var run in (RunRecord[])[syncA, successA, incrementalA, fullA, backfillA, NewRun("a-sync-0", JobA, 0), syncB, syncC])
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        await Store.Checkpoints.SaveAsync(JobA, At(1), Cancellation);
        await Store.Checkpoints.SaveAsync(JobC, At(3), Cancellation);
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2"), NewDeadLetter(JobB, "1", dueMinutes: null)], Cancellation);

        var inputs = await Store.ReadHealthInputsAsync([JobC, JobA, JobB, JobA], T0.AddMinutes(10), Cancellation);

        Check.Equal([JobC, JobA, JobB, JobA], inputs.Select(i => i.Job));
        var a = inputs[1];
        AssertSameCursor(At(1), a.Checkpoint);
        Check.Equal(RunSummary.Of(syncA), a.LatestSync);
        Check.Equal(RunSummary.Of(successA), a.LatestSuccess);
        Check.Equal(RunSummary.Of(incrementalA), a.LatestIncrementalReconciliation);
        Check.Equal(RunSummary.Of(fullA), a.LatestFullReconciliation);
        AssertCounts(new() { [RunKind.Sync] = Times(syncA.Counts, 2), [RunKind.Backfill] = backfillA.Counts }, a.WindowCounts);
        Check.Equal((2, false), (a.DeadLetters, a.HasParkedDeadLetters));
        Check.Equal(a, inputs[3] with { WindowCounts = a.WindowCounts });
        AssertCounts(a.WindowCounts.ToDictionary(), inputs[3].WindowCounts);

        var b = inputs[2];
        Check.Null(b.Checkpoint);
        Check.Equal(RunSummary.Of(syncB), b.LatestSync);
        Check.Equal(RunSummary.Of(syncB), b.LatestSuccess);
        Check.Null(b.LatestIncrementalReconciliation);
        Check.Equal((1, true), (b.DeadLetters, b.HasParkedDeadLetters));

        var c = inputs[0];
        AssertSameCursor(At(3), c.Checkpoint);
        Check.Equal(RunSummary.Of(syncC), c.LatestSync);
        Check.Null(c.LatestSuccess);
        AssertCounts(new() { [RunKind.Sync] = syncC.Counts }, c.WindowCounts);
        Check.Equal((0, false), (c.DeadLetters, c.HasParkedDeadLetters));
    }

    /// <summary>
    /// Runs that started at the same instant are told apart by run id, the greater one latest, as
    /// <see cref="IRunHistoryStore.QueryRunsAsync"/> lists them; the latest success is the latest of succeeded and
    /// completed-with-dead-letters runs together.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_TiesOnStartedAt_LatestIsTheGreaterRunId()
    {
        var failed = NewRun("run-c", JobA, 10, RunOutcome.Failed);
        var withDeadLetters = NewRun("run-b", JobA, 10, RunOutcome.CompletedWithDeadLetters);
        var succeeded = NewRun("run-a", JobA, 10);
        var incremental = NewRun("inc-2", JobA, 7) with { Kind = RunKind.IncrementalReconciliation, Report = PausedReport };
        foreach (var run in (RunRecord[])[succeeded, failed, withDeadLetters, NewRun("inc-1", JobA, 7) with { Kind = RunKind.IncrementalReconciliation }, incremental])
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var inputs = (await Store.ReadHealthInputsAsync([JobA], T0, Cancellation)).Single();

        Check.Equal(RunSummary.Of(failed), inputs.LatestSync);
        Check.Equal(RunSummary.Of(withDeadLetters), inputs.LatestSuccess);
        Check.Equal(RunSummary.Of(incremental), inputs.LatestIncrementalReconciliation);
        Check.Equal("run-c", (await Store.Runs.QueryRunsAsync(RunQuery.ForJob(JobA) with { Kind = RunKind.Sync, Limit = 1 }, Cancellation)).Single().RunId);
    }

    /// <summary>A job the store knows nothing of reads as empty inputs; an empty list reads as none.</summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_UnknownJobOrEmptyList_ReadsNothing()
    {
        await Store.Runs.SaveRunAsync(NewRun("run-1", JobA, 0), Cancellation);
        await Store.Checkpoints.SaveAsync(JobC, At(1), Cancellation);
        await Store.Checkpoints.DeleteAsync(JobC, Cancellation);

        var inputs = await Store.ReadHealthInputsAsync([JobB, JobC], T0, Cancellation);
        var none = await Store.ReadHealthInputsAsync([], T0, Cancellation);

        foreach (var (job, input) in ((JobId[])[JobB, JobC]).Zip(inputs))
        {
            Check.Equal(new JobHealthInputs(job) { WindowCounts = input.WindowCounts }, input);
            Check.Empty(input.WindowCounts);
        }

        Check.Empty(none);
    }

    /// <summary>The window counts runs that started at or after its start, exactly at it included, summed per kind.</summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_WindowStart_CountsRunsStartedAtOrAfterIt()
    {
        var atStart = NewRun("at-start", JobA, 60);
        var after = NewRun("after", JobA, 90, RunOutcome.Failed) with { Counts = new RunCounts(1, 2, 3, 4, 5, 6) };
        var repair = NewRun("repair", JobA, 61) with { Kind = RunKind.Repair, Counts = new RunCounts(10, 20, 30, 40, 50, 60) };
        foreach (var run in (RunRecord[])[NewRun("before", JobA, 59), atStart, after, repair, NewRun("other-job", JobB, 70)])
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var inputs = (await Store.ReadHealthInputsAsync([JobA], T0.AddMinutes(60), Cancellation)).Single();

        AssertCounts(new() { [RunKind.Sync] = new RunCounts(101, 92, 8, 7, 12, 8), [RunKind.Repair] = repair.Counts }, inputs.WindowCounts);
        Check.Equal(
            (await Store.Runs.SumCountsByKindAsync(RunQuery.ForJob(JobA) with { StartedFrom = T0.AddMinutes(60) }, Cancellation)).OrderBy(p => p.Key),
            inputs.WindowCounts.OrderBy(p => p.Key));
    }

    /// <summary>
    /// A window starting inside an hour counts the runs of that hour from its start on and every run after it, with
    /// each run's last saved counts (runs are saved as they start and again as they end), and no purged run.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_WindowStartsInsideAnHour_CountsLastSavedRunsFromItsStart()
    {
        var window = T0.AddMinutes(90);
        var runs = new[] { 80, 90, 119, 120, 200 }.Select(m => NewRun($"run-{m}", JobA, m) with { Counts = new RunCounts(m, m, 1, 1, 1, 1) }).ToList();
        foreach (var run in runs)
        {
            await Store.Runs.SaveRunAsync(run with { Outcome = RunOutcome.Running, EndedAt = null, Counts = RunCounts.Zero }, Cancellation);
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var all = (await Store.ReadHealthInputsAsync([JobA], window, Cancellation)).Single();
        await Store.Runs.PurgeAsync(T0.AddMinutes(125), 1_000, Cancellation);
        var afterPurge = (await Store.ReadHealthInputsAsync([JobA], window, Cancellation)).Single();

        AssertCounts(new() { [RunKind.Sync] = new RunCounts(90 + 119 + 120 + 200, 90 + 119 + 120 + 200, 4, 4, 4, 4) }, all.WindowCounts);
        AssertCounts(new() { [RunKind.Sync] = runs[^1].Counts }, afterPurge.WindowCounts);
    }

    /// <summary>
    /// The latest runs carry their source horizon, so a health check measures lag from it and names what held it; a
    /// run without one reads without one.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_RunsWithAHorizon_CarryItInTheirSummaries()
    {
        var success = NewRun("run-1", JobA, 10) with { Horizon = new SourceHorizon(T0.AddMinutes(2), "a transaction open since 00:02:00Z (pid 7, application 'billing', idle in transaction)") };
        var failed = NewRun("run-2", JobA, 11, RunOutcome.Failed) with { Horizon = new SourceHorizon(T0.AddMinutes(11)) };
        foreach (var run in (RunRecord[])[success, failed, NewRun("run-3", JobB, 12)])
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var inputs = await Store.ReadHealthInputsAsync([JobA, JobB], T0, Cancellation);

        Check.Equal(success.Horizon, inputs[0].LatestSuccess?.Horizon);
        Check.Equal(failed.Horizon, inputs[0].LatestSync?.Horizon);
        Check.Equal(RunSummary.Of(success), inputs[0].LatestSuccess);
        Check.Null(inputs[1].LatestSync?.Horizon);
    }

    /// <summary>Dead letters count parked and pending entries alike; only a parked one sets the parked flag.</summary>
    /// <returns>The case.</returns>
    private async Task HealthInputs_ReadHealthInputsAsync_ParkedOrPending_CountsAllAndFlagsOnlyParked()
    {
        await Store.DeadLetters.AddAsync(
            [NewDeadLetter(JobA, "1"), NewDeadLetter(JobA, "2", dueMinutes: 5), NewDeadLetter(JobB, "1"), NewDeadLetter(JobB, "2", dueMinutes: null), NewDeadLetter(JobC, "1", dueMinutes: null)],
            Cancellation);
        await Store.DeadLetters.RemoveAsync(JobC, [DeadLetterId.Of(NewDeadLetter(JobC, "1"))], Cancellation);

        var inputs = await Store.ReadHealthInputsAsync([JobA, JobB, JobC], T0, Cancellation);

        Check.Equal([(2, false), (2, true), (0, false)], inputs.Select(i => (i.DeadLetters, i.HasParkedDeadLetters)));
    }

    private static RunCounts Times(RunCounts counts, int times) => new(
        counts.Read * times, counts.Written * times, counts.Skipped * times, counts.Deduplicated * times, counts.Retried * times, counts.DeadLettered * times);

    private static void AssertCounts(Dictionary<RunKind, RunCounts> expected, IReadOnlyDictionary<RunKind, RunCounts> actual) =>
        Check.Equal(expected.OrderBy(p => p.Key), actual.OrderBy(p => p.Key));
}
