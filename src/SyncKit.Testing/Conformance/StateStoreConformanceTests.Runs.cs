using Xunit;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceTests
{
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

    /// <summary>Asserts two runs hold the same values, collections compared by content.</summary>
    /// <param name="expected">The run written.</param>
    /// <param name="actual">The run read back.</param>
    protected static void AssertSameRun(RunRecord expected, RunRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected with { ErrorsByClass = actual.ErrorsByClass, SampleRecordKeys = actual.SampleRecordKeys }, actual);
        AssertSameCursor(expected.CursorFrom, actual.CursorFrom);
        AssertSameCursor(expected.CursorTo, actual.CursorTo);
        Assert.Equal(expected.ErrorsByClass.OrderBy(p => p.Key), actual.ErrorsByClass.OrderBy(p => p.Key));
        Assert.Equal(expected.SampleRecordKeys, actual.SampleRecordKeys);
    }

    /// <summary>Every field of a run comes back as written, for a running and a finished run.</summary>
    /// <param name="outcome">The run's outcome.</param>
    /// <returns>The test.</returns>
    [Theory]
    [InlineData(RunOutcome.Running)]
    [InlineData(RunOutcome.Failed)]
    public async Task Runs_SaveRunAsync_ThenGet_RoundTripsEveryField(RunOutcome outcome)
    {
        var run = NewRun("run-1", JobA, 0, outcome);

        await Store.Runs.SaveRunAsync(run, CancellationToken.None);

        AssertSameRun(run, await Store.Runs.GetRunAsync("run-1", CancellationToken.None));
    }

    /// <summary>A run with no cursors, errors or samples (nothing read) round-trips too.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_SaveRunAsync_EmptyRun_RoundTrips()
    {
        var run = new RunRecord("run-1", JobA, T0, null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);

        await Store.Runs.SaveRunAsync(run, CancellationToken.None);

        AssertSameRun(run, await Store.Runs.GetRunAsync("run-1", CancellationToken.None));
    }

    /// <summary>A run is saved when it starts and again when it ends: the second save replaces the first.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_SaveRunAsync_SameRunId_ReplacesTheRecord()
    {
        await Store.Runs.SaveRunAsync(NewRun("run-1", JobA, 0, RunOutcome.Running), CancellationToken.None);
        var ended = NewRun("run-1", JobA, 0, RunOutcome.CompletedWithDeadLetters);

        await Store.Runs.SaveRunAsync(ended, CancellationToken.None);

        AssertSameRun(ended, await Store.Runs.GetRunAsync("run-1", CancellationToken.None));
        Assert.Single(await Store.Runs.QueryRunsAsync(new RunQuery(), CancellationToken.None));
    }

    /// <summary>A run's kind and report (a reconciliation pass, an operator action) come back as written and filter queries.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_SaveRunAsync_KindAndReport_RoundTripAndFilter()
    {
        var pass = NewRun("run-1", JobA, 0) with { Kind = RunKind.FullReconciliation, Report = "{\"checked\":10,\"missing\":[\"7\"]}" };
        await Store.Runs.SaveRunAsync(pass, CancellationToken.None);
        await Store.Runs.SaveRunAsync(NewRun("run-2", JobA, 1), CancellationToken.None);

        AssertSameRun(pass, await Store.Runs.GetRunAsync("run-1", CancellationToken.None));
        var passes = await Store.Runs.QueryRunsAsync(new RunQuery { Kind = RunKind.FullReconciliation }, CancellationToken.None);
        Assert.Equal(["run-1"], passes.Select(r => r.RunId));
        Assert.Equal(RunKind.Sync, (await Store.Runs.GetRunAsync("run-2", CancellationToken.None))!.Kind);
    }

    /// <summary>
    /// A run's source horizon comes back as written, what held it included, and saving the run again replaces it: a
    /// run that ends with the clock as its only bound no longer names the transaction that held it when it started.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_SaveRunAsync_Horizon_RoundTripsAndIsReplaced()
    {
        var held = NewRun("run-1", JobA, 0) with { Horizon = new SourceHorizon(T0.AddSeconds(-30), "a transaction open since 23:59:30Z (pid 42, application 'ünï', idle in transaction)") };
        var free = NewRun("run-2", JobA, 1) with { Horizon = new SourceHorizon(T0.AddMinutes(1)) };
        await Store.Runs.SaveRunAsync(held, CancellationToken.None);
        await Store.Runs.SaveRunAsync(free, CancellationToken.None);

        AssertSameRun(held, await Store.Runs.GetRunAsync("run-1", CancellationToken.None));
        AssertSameRun(free, await Store.Runs.GetRunAsync("run-2", CancellationToken.None));
        await Store.Runs.SaveRunAsync(held with { Horizon = free.Horizon }, CancellationToken.None);
        Assert.Equal(free.Horizon, (await Store.Runs.GetRunAsync("run-1", CancellationToken.None))!.Horizon);
        await Store.Runs.SaveRunAsync(held with { Horizon = null }, CancellationToken.None);
        Assert.Null((await Store.Runs.GetRunAsync("run-1", CancellationToken.None))!.Horizon);
    }

    /// <summary>An unknown run id reads as none.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_GetRunAsync_Unknown_ReturnsNull() =>
        Assert.Null(await Store.Runs.GetRunAsync("no-such-run", CancellationToken.None));

    /// <summary>Tenant, stream, outcome and start-time filters each narrow the result.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_QueryRunsAsync_Filters_ReturnOnlyMatchingRuns()
    {
        foreach (var run in new[]
        {
            NewRun("a0", JobA, 0), NewRun("a10", JobA, 10, RunOutcome.Failed), NewRun("a20", JobA, 20),
            NewRun("b5", JobB, 5), NewRun("c15", JobC, 15, RunOutcome.Failed),
        })
        {
            await Store.Runs.SaveRunAsync(run, CancellationToken.None);
        }

        async Task<IEnumerable<string>> IdsAsync(RunQuery query) =>
            (await Store.Runs.QueryRunsAsync(query, CancellationToken.None)).Select(r => r.RunId).Order(StringComparer.Ordinal);

        Assert.Equal(["a0", "a10", "a20", "b5"], await IdsAsync(new RunQuery { Tenant = "tenant-a" }));
        Assert.Equal(["a0", "a10", "a20", "c15"], await IdsAsync(new RunQuery { Stream = "invoices" }));
        Assert.Equal(["a10", "c15"], await IdsAsync(new RunQuery { Outcome = RunOutcome.Failed }));
        Assert.Equal(["a10", "b5", "c15"], await IdsAsync(new RunQuery { StartedFrom = T0.AddMinutes(5), StartedBefore = T0.AddMinutes(20) }));
        Assert.Equal(["a10"], await IdsAsync(new RunQuery { Tenant = "tenant-a", Stream = "invoices", Outcome = RunOutcome.Failed }));
    }

    /// <summary>
    /// Counts are summed per kind over every run the filter matches — past any limit — and kinds without a
    /// matching run are absent.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_SumCountsByKindAsync_Filters_SumsEachKindOfTheMatchingRuns()
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
            await Store.Runs.SaveRunAsync(run, CancellationToken.None);
        }

        var sums = await Store.Runs.SumCountsByKindAsync(RunQuery.ForJob(JobA) with { StartedFrom = T0.AddMinutes(10), StartedBefore = T0.AddMinutes(40), Limit = 1 }, CancellationToken.None);
        var failedSyncs = await Store.Runs.SumCountsByKindAsync(RunQuery.ForJob(JobA) with { Outcome = RunOutcome.CompletedWithDeadLetters }, CancellationToken.None);
        var none = await Store.Runs.SumCountsByKindAsync(new RunQuery { Tenant = "nobody" }, CancellationToken.None);

        Assert.Equal(2, sums.Count);
        Assert.Equal(new RunCounts(1_100, 1_102, 1_104, 1_106, 1_108, 1_110), sums[RunKind.Sync]);
        Assert.Equal(new RunCounts(10_000, 10_001, 10_002, 10_003, 10_004, 10_005), sums[RunKind.Backfill]);
        Assert.Equal(new RunCounts(100, 101, 102, 103, 104, 105), Assert.Single(failedSyncs).Value);
        Assert.Empty(none);
    }

    /// <summary>Runs come newest first (ties by run id, descending), cut at the limit.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_QueryRunsAsync_ManyRuns_NewestFirstUpToTheLimit()
    {
        foreach (var run in new[] { NewRun("r1", JobA, 1), NewRun("r3", JobA, 3), NewRun("r2", JobA, 2), NewRun("r3b", JobB, 3) })
        {
            await Store.Runs.SaveRunAsync(run, CancellationToken.None);
        }

        var all = await Store.Runs.QueryRunsAsync(new RunQuery(), CancellationToken.None);
        var newestTwo = await Store.Runs.QueryRunsAsync(new RunQuery { Limit = 2 }, CancellationToken.None);

        Assert.Equal(["r3b", "r3", "r2", "r1"], all.Select(r => r.RunId));
        Assert.Equal(["r3b", "r3"], newestTwo.Select(r => r.RunId));
    }

    /// <summary>"Which runs touched record X": one record's entries of one job, oldest first.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_GetAuditAsync_OneRecord_ReturnsItsEntriesOldestFirst()
    {
        var first = new AuditEntry("run-1", JobA, "42", At(1), AuditActions.Written, T0.AddSeconds(1));
        var second = new AuditEntry("run-2", JobA, "42", new Cursor(T0.AddSeconds(2).ToOffset(TimeSpan.FromHours(9)), "42", "p"), AuditActions.Skipped, T0.AddSeconds(2));
        await Store.Runs.AppendAuditAsync([first, new AuditEntry("run-1", JobA, "43", At(1), AuditActions.Written, T0)], CancellationToken.None);
        await Store.Runs.AppendAuditAsync([new AuditEntry("run-2", JobB, "42", At(2), AuditActions.DeadLettered, T0), second], CancellationToken.None);

        var audit = await Store.Runs.GetAuditAsync(JobA, "42", CancellationToken.None);

        Assert.Equal([first, second], audit);
        AssertSameCursor(second.Position, audit[1].Position);
        Assert.Empty(await Store.Runs.GetAuditAsync(JobC, "42", CancellationToken.None));
    }

    /// <summary>
    /// A run's whole audit trail, read page by page: every entry of the run, in append order, across appends
    /// interleaved with other runs' and across jobs, and no other run's.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_GetRunAuditAsync_ManyEntries_PagesThroughTheWholeRunInAppendOrder()
    {
        var expected = new List<AuditEntry>();
        for (var batch = 0; batch < 3; batch++)
        {
            var entries = Enumerable.Range(batch * 9, 9)
                .Select(i => new AuditEntry("run-1", i % 2 == 0 ? JobA : JobB, $"key-{(i * 7) % 25}", At(i), i % 3 == 0 ? AuditActions.Skipped : AuditActions.Written, T0.AddSeconds(i)))
                .ToList();
            expected.AddRange(entries);
            await Store.Runs.AppendAuditAsync(entries, CancellationToken.None);
            await Store.Runs.AppendAuditAsync([new AuditEntry("run-2", JobA, "key-1", At(batch), AuditActions.Written, T0)], CancellationToken.None);
        }

        var pages = new List<RunAuditPage>();
        long? after = null;
        do
        {
            var page = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { After = after, Limit = 10 }, CancellationToken.None);
            pages.Add(page);
            after = page.Next;
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([10, 10, 7], pages.Select(p => p.Entries.Count));
        Assert.Equal(expected, pages.SelectMany(p => p.Entries));
        AssertSameCursor(expected[^1].Position, pages[^1].Entries[^1].Position);
    }

    /// <summary>A run whose entries fill its last page exactly says so: no further, empty page is promised.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_GetRunAuditAsync_EntriesFillTheLastPage_HasNoNext()
    {
        await Store.Runs.AppendAuditAsync([.. Enumerable.Range(0, 4).Select(i => new AuditEntry("run-1", JobA, $"{i}", At(i), AuditActions.Written, T0))], CancellationToken.None);

        var first = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { Limit = 2 }, CancellationToken.None);
        var last = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { After = first.Next, Limit = 2 }, CancellationToken.None);
        var whole = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { Limit = 4 }, CancellationToken.None);

        Assert.NotNull(first.Next);
        Assert.Equal(["2", "3"], last.Entries.Select(e => e.RecordKey));
        Assert.Null(last.Next);
        Assert.Equal(4, whole.Entries.Count);
        Assert.Null(whole.Next);
    }

    /// <summary>A run without audit entries (unknown, or its job keeps no audit log) has an empty trail.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_GetRunAuditAsync_RunWithoutEntries_ReturnsAnEmptyLastPage()
    {
        await Store.Runs.AppendAuditAsync([new AuditEntry("run-1", JobA, "42", At(1), AuditActions.Written, T0)], CancellationToken.None);

        var page = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("run-2"), CancellationToken.None);

        Assert.Empty(page.Entries);
        Assert.Null(page.Next);
    }

    /// <summary>Purging deletes runs that ended before the limit with their audit entries, and keeps running and recent runs.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_PurgeAsync_RunsEndedBeforeTheLimit_AreDeletedWithTheirAudit()
    {
        foreach (var run in new[] { NewRun("old", JobA, 0), NewRun("stuck", JobA, 0, RunOutcome.Running), NewRun("recent", JobA, 60) })
        {
            await Store.Runs.SaveRunAsync(run, CancellationToken.None);
            await Store.Runs.AppendAuditAsync([new AuditEntry(run.RunId, JobA, "42", At(1), AuditActions.Written, run.StartedAt)], CancellationToken.None);
        }

        var purged = await Store.Runs.PurgeAsync(T0.AddMinutes(30), 100, CancellationToken.None);

        Assert.Equal(1, purged);
        Assert.Null(await Store.Runs.GetRunAsync("old", CancellationToken.None));
        Assert.Equal(["recent", "stuck"], (await Store.Runs.QueryRunsAsync(new RunQuery(), CancellationToken.None)).Select(r => r.RunId));
        Assert.Equal(["stuck", "recent"], (await Store.Runs.GetAuditAsync(JobA, "42", CancellationToken.None)).Select(a => a.RunId));
        Assert.Empty((await Store.Runs.GetRunAuditAsync(new RunAuditQuery("old"), CancellationToken.None)).Entries);
    }
}
