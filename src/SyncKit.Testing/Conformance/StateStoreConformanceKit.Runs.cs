using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> RunCases() =>
    [
        .. ((RunOutcome[])[RunOutcome.Running, RunOutcome.Failed]).Select(outcome => Case($"{nameof(Runs_SaveRunAsync_ThenGet_RoundTripsEveryField)}({outcome})", k => k.Runs_SaveRunAsync_ThenGet_RoundTripsEveryField(outcome))),
        Case(nameof(Runs_SaveRunAsync_EmptyRun_RoundTrips), k => k.Runs_SaveRunAsync_EmptyRun_RoundTrips()),
        Case(nameof(Runs_SaveRunAsync_SameRunId_ReplacesTheRecord), k => k.Runs_SaveRunAsync_SameRunId_ReplacesTheRecord()),
        Case(nameof(Runs_SaveRunAsync_KindAndReport_RoundTripAndFilter), k => k.Runs_SaveRunAsync_KindAndReport_RoundTripAndFilter()),
        Case(nameof(Runs_SaveRunAsync_Horizon_RoundTripsAndIsReplaced), k => k.Runs_SaveRunAsync_Horizon_RoundTripsAndIsReplaced()),
        Case(nameof(Runs_GetRunAsync_Unknown_ReturnsNull), k => k.Runs_GetRunAsync_Unknown_ReturnsNull()),
        Case(nameof(Runs_QueryRunsAsync_Filters_ReturnOnlyMatchingRuns), k => k.Runs_QueryRunsAsync_Filters_ReturnOnlyMatchingRuns()),
        Case(nameof(Runs_SumCountsByKindAsync_Filters_SumsEachKindOfTheMatchingRuns), k => k.Runs_SumCountsByKindAsync_Filters_SumsEachKindOfTheMatchingRuns()),
        Case(nameof(Runs_QueryRunsAsync_ManyRuns_NewestFirstUpToTheLimit), k => k.Runs_QueryRunsAsync_ManyRuns_NewestFirstUpToTheLimit()),
        Case(nameof(Runs_GetAuditAsync_OneRecord_ReturnsItsEntriesOldestFirst), k => k.Runs_GetAuditAsync_OneRecord_ReturnsItsEntriesOldestFirst()),
        Case(nameof(Runs_GetRunAuditAsync_ManyEntries_PagesThroughTheWholeRunInAppendOrder), k => k.Runs_GetRunAuditAsync_ManyEntries_PagesThroughTheWholeRunInAppendOrder()),
        Case(nameof(Runs_GetRunAuditAsync_EntriesFillTheLastPage_HasNoNext), k => k.Runs_GetRunAuditAsync_EntriesFillTheLastPage_HasNoNext()),
        Case(nameof(Runs_GetRunAuditAsync_RunWithoutEntries_ReturnsAnEmptyLastPage), k => k.Runs_GetRunAuditAsync_RunWithoutEntries_ReturnsAnEmptyLastPage()),
        Case(nameof(Runs_PurgeAsync_RunsEndedBeforeTheLimit_AreDeletedWithTheirAudit), k => k.Runs_PurgeAsync_RunsEndedBeforeTheLimit_AreDeletedWithTheirAudit()),
    ];

    /// <summary>A finished run of <paramref name="job"/> with every field set.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="job">The job.</param>
    /// <param name="startedMinutes">Minutes after <see cref="T0"/> it started; it ended a minute later.</param>
    /// <param name="outcome">How it ended.</param>
    /// <returns>The run.</returns>
    protected static RunRecord NewRun(string runId, JobId job, int startedMinutes, RunOutcome outcome = RunOutcome.Succeeded) => new(
        runId,
        job,
        T0.AddMinutes(startedMinutes),
        outcome == RunOutcome.Running ? null : T0.AddMinutes(startedMinutes + 1),
        outcome,
        Cursor.At(T0, "0"),
        new Cursor(T0.AddMinutes(startedMinutes).ToOffset(TimeSpan.FromHours(-3)), "007", "offset=2"),
        new RunCounts(100, 90, 5, 3, 7, 2),
        new Dictionary<ErrorClass, long> { [ErrorClass.Validation] = 2, [ErrorClass.Transient] = 7 },
        ["007", "ünï", "x y"],
        outcome == RunOutcome.Failed ? "the source said 500" : null);

    /// <summary>Checks two runs hold the same values, collections compared by content.</summary>
    /// <param name="expected">The run written.</param>
    /// <param name="actual">The run read back.</param>
    /// <exception cref="ConformanceException">They differ.</exception>
    protected static void AssertSameRun(RunRecord expected, RunRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Check.NotNull(actual, $"the run {expected.RunId} read back");
        Check.Equal(expected with { ErrorsByClass = actual.ErrorsByClass, SampleRecordKeys = actual.SampleRecordKeys }, actual, $"the run {expected.RunId} read back");
        AssertSameCursor(expected.CursorFrom, actual.CursorFrom);
        AssertSameCursor(expected.CursorTo, actual.CursorTo);
        Check.Equal(expected.ErrorsByClass.OrderBy(p => p.Key), actual.ErrorsByClass.OrderBy(p => p.Key), $"the errors by class of the run {expected.RunId} read back");
        Check.Equal(expected.SampleRecordKeys, actual.SampleRecordKeys, $"the sample record keys of the run {expected.RunId} read back");
    }

    /// <summary>Every field of a run comes back as written, for a running and a finished run.</summary>
    /// <param name="outcome">The run's outcome.</param>
    /// <returns>The case.</returns>
    private async Task Runs_SaveRunAsync_ThenGet_RoundTripsEveryField(RunOutcome outcome)
    {
        var run = NewRun("run-1", JobA, 0, outcome);

        await Store.Runs.SaveRunAsync(run, Cancellation);

        AssertSameRun(run, await Store.Runs.GetRunAsync("run-1", Cancellation));
    }

    /// <summary>A run with no cursors, errors or samples (nothing read) round-trips too.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_SaveRunAsync_EmptyRun_RoundTrips()
    {
        var run = new RunRecord("run-1", JobA, T0, null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);

        await Store.Runs.SaveRunAsync(run, Cancellation);

        AssertSameRun(run, await Store.Runs.GetRunAsync("run-1", Cancellation));
    }

    /// <summary>A run is saved when it starts and again when it ends: the second save replaces the first.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_SaveRunAsync_SameRunId_ReplacesTheRecord()
    {
        await Store.Runs.SaveRunAsync(NewRun("run-1", JobA, 0, RunOutcome.Running), Cancellation);
        var ended = NewRun("run-1", JobA, 0, RunOutcome.CompletedWithDeadLetters);

        await Store.Runs.SaveRunAsync(ended, Cancellation);

        AssertSameRun(ended, await Store.Runs.GetRunAsync("run-1", Cancellation));
        Check.Single(await Store.Runs.QueryRunsAsync(new RunQuery(), Cancellation));
    }

    /// <summary>A run's kind and report (a reconciliation pass, an operator action) come back as written and filter queries.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_SaveRunAsync_KindAndReport_RoundTripAndFilter()
    {
        var pass = NewRun("run-1", JobA, 0) with { Kind = RunKind.FullReconciliation, Report = "{\"checked\":10,\"missing\":[\"7\"]}" };
        await Store.Runs.SaveRunAsync(pass, Cancellation);
        await Store.Runs.SaveRunAsync(NewRun("run-2", JobA, 1), Cancellation);

        AssertSameRun(pass, await Store.Runs.GetRunAsync("run-1", Cancellation));
        var passes = await Store.Runs.QueryRunsAsync(new RunQuery { Kind = RunKind.FullReconciliation }, Cancellation);
        Check.Equal(["run-1"], passes.Select(r => r.RunId));
        Check.Equal(RunKind.Sync, (await Store.Runs.GetRunAsync("run-2", Cancellation))!.Kind);
    }

    /// <summary>
    /// A run's source horizon comes back as written, what held it included, and saving the run again replaces it: a
    /// run that ends with the clock as its only bound no longer names the transaction that held it when it started.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Runs_SaveRunAsync_Horizon_RoundTripsAndIsReplaced()
    {
        var held = NewRun("run-1", JobA, 0) with { Horizon = new SourceHorizon(T0.AddSeconds(-30), "a transaction open since 23:59:30Z (pid 42, application 'ünï', idle in transaction)") };
        var free = NewRun("run-2", JobA, 1) with { Horizon = new SourceHorizon(T0.AddMinutes(1)) };
        await Store.Runs.SaveRunAsync(held, Cancellation);
        await Store.Runs.SaveRunAsync(free, Cancellation);

        AssertSameRun(held, await Store.Runs.GetRunAsync("run-1", Cancellation));
        AssertSameRun(free, await Store.Runs.GetRunAsync("run-2", Cancellation));
        await Store.Runs.SaveRunAsync(held with { Horizon = free.Horizon }, Cancellation);
        Check.Equal(free.Horizon, (await Store.Runs.GetRunAsync("run-1", Cancellation))!.Horizon);
        await Store.Runs.SaveRunAsync(held with { Horizon = null }, Cancellation);
        Check.Null((await Store.Runs.GetRunAsync("run-1", Cancellation))!.Horizon);
    }

    /// <summary>An unknown run id reads as none.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_GetRunAsync_Unknown_ReturnsNull() =>
        Check.Null(await Store.Runs.GetRunAsync("no-such-run", Cancellation));

    /// <summary>Tenant, stream, outcome and start-time filters each narrow the result.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_QueryRunsAsync_Filters_ReturnOnlyMatchingRuns()
    {
        foreach (var run in new[]
        {
            NewRun("a0", JobA, 0), NewRun("a10", JobA, 10, RunOutcome.Failed), NewRun("a20", JobA, 20),
            NewRun("b5", JobB, 5), NewRun("c15", JobC, 15, RunOutcome.Failed),
        })
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        async Task<IEnumerable<string>> IdsAsync(RunQuery query) =>
            (await Store.Runs.QueryRunsAsync(query, Cancellation)).Select(r => r.RunId).Order(StringComparer.Ordinal);

        Check.Equal(["a0", "a10", "a20", "b5"], await IdsAsync(new RunQuery { Tenant = "tenant-a" }));
        Check.Equal(["a0", "a10", "a20", "c15"], await IdsAsync(new RunQuery { Stream = "invoices" }));
        Check.Equal(["a10", "c15"], await IdsAsync(new RunQuery { Outcome = RunOutcome.Failed }));
        Check.Equal(["a10", "b5", "c15"], await IdsAsync(new RunQuery { StartedFrom = T0.AddMinutes(5), StartedBefore = T0.AddMinutes(20) }));
        Check.Equal(["a10"], await IdsAsync(new RunQuery { Tenant = "tenant-a", Stream = "invoices", Outcome = RunOutcome.Failed }));
    }

    /// <summary>
    /// Counts are summed per kind over every run the filter matches — past any limit — and kinds without a
    /// matching run are absent.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Runs_SumCountsByKindAsync_Filters_SumsEachKindOfTheMatchingRuns()
    {
        static RunRecord Counted(RunRecord run, long n) => run with { Counts = new RunCounts(n, n + 1, n + 2, n + 3, n + 4, n + 5) };
        foreach (var run in new[]
        {
            Counted(NewRun("a0", JobA, 0), 10), Counted(NewRun("a10", JobA, 10, RunOutcome.CompletedWithDeadLetters), 100),
            Counted(NewRun("a20", JobA, 20), 1_000), Counted(NewRun("a30", JobA, 30) with { Kind = RunKind.Backfill }, 10_000),
            Counted(NewRun("a40", JobA, 40) with { Kind = RunKind.IncrementalReconciliation }, 20_000),
            Counted(NewRun("b10", JobB, 10), 100_000),
        })
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var sums = await Store.Runs.SumCountsByKindAsync(RunQuery.ForJob(JobA) with { StartedFrom = T0.AddMinutes(10), StartedBefore = T0.AddMinutes(40), Limit = 1 }, Cancellation);
        var failedSyncs = await Store.Runs.SumCountsByKindAsync(RunQuery.ForJob(JobA) with { Outcome = RunOutcome.CompletedWithDeadLetters }, Cancellation);
        var none = await Store.Runs.SumCountsByKindAsync(new RunQuery { Tenant = "nobody" }, Cancellation);

        Check.Equal(2, sums.Count);
        Check.Equal(new RunCounts(1_100, 1_102, 1_104, 1_106, 1_108, 1_110), sums[RunKind.Sync]);
        Check.Equal(new RunCounts(10_000, 10_001, 10_002, 10_003, 10_004, 10_005), sums[RunKind.Backfill]);
        Check.Equal(new RunCounts(100, 101, 102, 103, 104, 105), Check.Single(failedSyncs).Value);
        Check.Empty(none);
    }

    /// <summary>Runs come newest first (ties by run id, descending), cut at the limit.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_QueryRunsAsync_ManyRuns_NewestFirstUpToTheLimit()
    {
        foreach (var run in new[] { NewRun("r1", JobA, 1), NewRun("r3", JobA, 3), NewRun("r2", JobA, 2), NewRun("r3b", JobB, 3) })
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
        }

        var all = await Store.Runs.QueryRunsAsync(new RunQuery(), Cancellation);
        var newestTwo = await Store.Runs.QueryRunsAsync(new RunQuery { Limit = 2 }, Cancellation);

        Check.Equal(["r3b", "r3", "r2", "r1"], all.Select(r => r.RunId));
        Check.Equal(["r3b", "r3"], newestTwo.Select(r => r.RunId));
    }

    /// <summary>"Which runs touched record X": one record's entries of one job, oldest first.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_GetAuditAsync_OneRecord_ReturnsItsEntriesOldestFirst()
    {
        var first = new AuditEntry("run-1", JobA, "42", At(1), AuditActions.Written, T0.AddSeconds(1));
        var second = new AuditEntry("run-2", JobA, "42", new Cursor(T0.AddSeconds(2).ToOffset(TimeSpan.FromHours(9)), "42", "p"), AuditActions.Skipped, T0.AddSeconds(2));
        await Store.Runs.AppendAuditAsync([first, new AuditEntry("run-1", JobA, "43", At(1), AuditActions.Written, T0)], Cancellation);
        await Store.Runs.AppendAuditAsync([new AuditEntry("run-2", JobB, "42", At(2), AuditActions.DeadLettered, T0), second], Cancellation);

        var audit = await Store.Runs.GetAuditAsync(JobA, "42", Cancellation);

        Check.Equal([first, second], audit);
        AssertSameCursor(second.Position, audit[1].Position);
        Check.Empty(await Store.Runs.GetAuditAsync(JobC, "42", Cancellation));
    }

    /// <summary>
    /// A run's whole audit trail, read page by page: every entry of the run, in append order, across appends
    /// interleaved with other runs' and across jobs, and no other run's.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Runs_GetRunAuditAsync_ManyEntries_PagesThroughTheWholeRunInAppendOrder()
    {
        var expected = new List<AuditEntry>();
        for (var batch = 0; batch < 3; batch++)
        {
            var entries = Enumerable.Range(batch * 9, 9)
                .Select(i => new AuditEntry("run-1", i % 2 == 0 ? JobA : JobB, $"key-{(i * 7) % 25}", At(i), i % 3 == 0 ? AuditActions.Skipped : AuditActions.Written, T0.AddSeconds(i)))
                .ToList();
            expected.AddRange(entries);
            await Store.Runs.AppendAuditAsync(entries, Cancellation);
            await Store.Runs.AppendAuditAsync([new AuditEntry("run-2", JobA, "key-1", At(batch), AuditActions.Written, T0)], Cancellation);
        }

        var pages = new List<RunAuditPage>();
        long? after = null;
        do
        {
            var page = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { After = after, Limit = 10 }, Cancellation);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 10);

        Check.Equal([10, 10, 7], pages.Select(p => p.Entries.Count));
        Check.Equal(expected, pages.SelectMany(p => p.Entries));
        AssertSameCursor(expected[^1].Position, pages[^1].Entries[^1].Position);
    }

    /// <summary>A run whose entries fill its last page exactly says so: no further, empty page is promised.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_GetRunAuditAsync_EntriesFillTheLastPage_HasNoNext()
    {
        await Store.Runs.AppendAuditAsync([.. Enumerable.Range(0, 4).Select(i => new AuditEntry("run-1", JobA, $"{i}", At(i), AuditActions.Written, T0))], Cancellation);

        var first = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { Limit = 2 }, Cancellation);
        var last = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { After = first.Next, Limit = 2 }, Cancellation);
        var whole = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { Limit = 4 }, Cancellation);

        Check.NotNull(first.Next);
        Check.Equal(["2", "3"], last.Entries.Select(e => e.RecordKey));
        Check.Null(last.Next);
        Check.Equal(4, whole.Entries.Count);
        Check.Null(whole.Next);
    }

    /// <summary>A run without audit entries (unknown, or its job keeps no audit log) has an empty trail.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_GetRunAuditAsync_RunWithoutEntries_ReturnsAnEmptyLastPage()
    {
        await Store.Runs.AppendAuditAsync([new AuditEntry("run-1", JobA, "42", At(1), AuditActions.Written, T0)], Cancellation);

        var page = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-2"), Cancellation);

        Check.Empty(page.Entries);
        Check.Null(page.Next);
    }

    /// <summary>Purging deletes runs that ended before the limit with their audit entries, and keeps running and recent runs.</summary>
    /// <returns>The case.</returns>
    private async Task Runs_PurgeAsync_RunsEndedBeforeTheLimit_AreDeletedWithTheirAudit()
    {
        foreach (var run in new[] { NewRun("old", JobA, 0), NewRun("stuck", JobA, 0, RunOutcome.Running), NewRun("recent", JobA, 60) })
        {
            await Store.Runs.SaveRunAsync(run, Cancellation);
            await Store.Runs.AppendAuditAsync([new AuditEntry(run.RunId, JobA, "42", At(1), AuditActions.Written, run.StartedAt)], Cancellation);
        }

        var purged = await Store.Runs.PurgeAsync(T0.AddMinutes(30), 100, Cancellation);

        Check.Equal(1, purged);
        Check.Null(await Store.Runs.GetRunAsync("old", Cancellation));
        Check.Equal(["recent", "stuck"], (await Store.Runs.QueryRunsAsync(new RunQuery(), Cancellation)).Select(r => r.RunId));
        Check.Equal(["stuck", "recent"], (await Store.Runs.GetAuditAsync(JobA, "42", Cancellation)).Select(a => a.RunId));
        Check.Empty((await Store.Runs.GetRunAuditAsync(new RunAuditQuery("old"), Cancellation)).Entries);
    }
}
