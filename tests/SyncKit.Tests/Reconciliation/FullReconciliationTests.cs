using SyncKit.Testing;

namespace SyncKit.Tests.Reconciliation;

public sealed class FullReconciliationTests : ReconciliationTestBase
{
    [Fact]
    public async Task ReconcileFullAsync_RecordsRemovedAtTheSource_AreSoftDeletedAfterAFullPass()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => o.Reconciliation.DriftSampleRate = 0);
        var checkpoint = await CheckpointAsync();
        string[] removed = ["17", "250", "333", "642", "999"];
        foreach (var key in removed)
        {
            source.Remove(key);
        }

        var run = await Reconciler.ReconcileFullAsync(job);

        run.Kind.Should().Be(RunKind.FullReconciliation);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.DeletedKeys.Should().BeEquivalentTo(removed);
        destination.Rows.Should().HaveCount(1_000, "a soft delete keeps the row");
        var report = ReportOf(run);
        report.Should().BeEquivalentTo(new { Checked = 1_000L, Missing = 0L, Extra = 5L, GoneAtSource = 5L, StillAtSource = 0L, Deleted = 5L, CorrectionPaused = false });
        report.DeletedKeys.Should().BeEquivalentTo(removed);
        report.GapRate.Should().BeApproximately(0.005, 1e-9);
        (await Store.Runs.GetAuditAsync(Job, "17", default)).Should().ContainSingle(a => a.Action == AuditActions.Deleted && a.RunId == run.RunId);
        (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run);
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    [Fact]
    public async Task ReconcileFullAsync_KeyMissingFromTheListingButFoundByKey_IsReportedNotDeleted()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => o.Reconciliation.DriftSampleRate = 0);
        source.HideFromListing("42");
        source.Remove("43");

        var report = ReportOf(await Reconciler.ReconcileFullAsync(job));

        destination.DeletedKeys.Should().Equal("43");
        report.StillAtSource.Should().Be(1);
        report.StillAtSourceKeys.Should().Equal("42");
        report.GoneAtSource.Should().Be(1);
        report.Extra.Should().Be(2);
    }

    [Fact]
    public async Task ReconcileFullAsync_RecordPollingNeverSaw_IsRepairedThroughTheEngineWithoutMovingTheCheckpoint()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => o.Reconciliation.DriftSampleRate = 0);
        var checkpoint = await CheckpointAsync();

        // A late arrival stamped long before the checkpoint: polling re-reads only its lookback, the last record.
        source.Add(Record(5_000, -100_000));
        (await Engine.RunAsync(job)).Counts.Read.Should().Be(1);
        destination.Rows.Should().NotContainKey("5000");

        var run = await Reconciler.ReconcileFullAsync(job);

        var report = ReportOf(run);
        report.Missing.Should().Be(1);
        report.MissingKeys.Should().Equal("5000");
        report.Repaired.Should().Be(1);
        destination.Rows.Should().ContainKey("5000");
        run.Counts.Written.Should().Be(1);
        var repair = await Store.Runs.GetRunAsync(report.RepairRunId!, default);
        repair!.Kind.Should().Be(RunKind.Repair);
        repair.Counts.Written.Should().Be(1);
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    [Fact]
    public async Task ReconcileFullAsync_SampleOfEveryRecord_FindsStaleVersionsAndDriftedFields()
    {
        var (source, destination, job) = await SyncedAsync(100, o => o.Reconciliation.DriftSampleRate = 1);

        // Both changes keep their timestamp, so polling never sees them: 8 moved its version, 7 changed a field only.
        var synced = PastRecords(100);
        source.Add((synced[7].Value with { Version = 2 }).ToSourceRecord());
        source.Add((synced[6].Value with { Payload = "renamed" }).ToSourceRecord());

        var report = ReportOf(await Reconciler.ReconcileFullAsync(job));

        report.DriftChecked.Should().Be(99);
        report.Stale.Should().Be(1);
        report.StaleSampleSize.Should().Be(100);
        report.StaleEstimate.Should().Be(1, "every version was compared");
        report.StaleKeys.Should().Equal("8");
        report.Drifted.Should().Be(1);
        report.Drift.Should().BeEquivalentTo([new FieldDrift("7", ["payload"])]);
        destination.Rows["8"].Version.Should().Be(2, "a stale version is repaired");
        destination.Rows["7"].Payload.Should().BeNull("drift at the same version is reported, not overwritten");
    }

    [Fact]
    public async Task ReconcileFullAsync_StaleRowsFoundInTheSample_EstimatesThemOverEveryKeyAndPausesOnThatRate()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => { o.Reconciliation.DriftSampleRate = 0.05; o.Reconciliation.GapThreshold = 0.05; });

        // A fifth of the rows changed without moving their timestamp: polling never sees them, only the sample can.
        foreach (var i in Enumerable.Range(1, 200))
        {
            source.Add(Record(i * 5, (i * 5) - 1_060, version: 2));
        }

        var report = ReportOf(await Reconciler.ReconcileFullAsync(job));

        report.StaleSampleSize.Should().BeInRange(25, 100, "about 5 % of the 1,000 common keys are sampled");
        report.Stale.Should().BePositive();
        report.StaleEstimate.Should().Be((long)Math.Round(report.Stale * 1_000.0 / report.StaleSampleSize)).And.BeInRange(100, 300);
        report.GapRate.Should().BeApproximately(report.StaleEstimate / 1_000.0, 1e-9);
        report.CorrectionPaused.Should().BeTrue("about a fifth of the rows are stale, though the sample's own count is near 1 % of the keys");
        destination.Rows.Values.Should().OnlyContain(r => r.Version == 1, "a paused pass repairs nothing");
    }

    [Fact]
    public async Task ReconcileFullAsync_GapRateAboveTheThreshold_PausesWithoutLookupsOrDeletions()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => o.Reconciliation.DriftSampleRate = 0);
        foreach (var i in Enumerable.Range(1, 100))
        {
            source.Remove(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var report = ReportOf(await Reconciler.ReconcileFullAsync(job));

        report.CorrectionPaused.Should().BeTrue();
        report.Extra.Should().Be(100);
        report.GapRate.Should().BeApproximately(0.1, 1e-9);
        report.Deleted.Should().Be(0);
        destination.DeletedKeys.Should().BeEmpty();
        source.Lookups.Should().Be(0, "a listing that lost this much must not cost a lookup per key");
    }

    [Fact]
    public async Task ReconcileFullAsync_CorrectionNever_ConfirmsAndReportsButChangesNothing()
    {
        var (source, destination, job) = await SyncedAsync(1_000, o => o.Reconciliation.DriftSampleRate = 0);
        source.Remove("10");
        source.Add(Record(5_000, -100_000));

        var report = ReportOf(await Reconciler.ReconcileFullAsync(job, CorrectionMode.Never));

        report.Should().BeEquivalentTo(new { Missing = 1L, GoneAtSource = 1L, Deleted = 0L, Repaired = 0L, RepairRunId = (string?)null, CorrectionPaused = false });
        destination.DeletedKeys.Should().BeEmpty();
        destination.Rows.Should().NotContainKey("5000");
    }

    [Fact]
    public async Task ReconcileFullAsync_SourceWithoutKeyListing_ThrowsNamingTheCapability()
    {
        var job = NewJob(new PagesOnlySource(), NewDestination());

        var reconcile = () => Reconciler.ReconcileFullAsync(job);

        await reconcile.Should().ThrowAsync<InvalidOperationException>().WithMessage("*IKeyListingSource*");
    }

    [Fact]
    public async Task ReconcileIncrementalAsync_DestinationThatCannotSayWhatItHolds_ThrowsNamingTheCapabilityAndRecordsNothing()
    {
        var job = NewJob(new ScriptedSource<TestRecord>(), new WriteOnlyDestination());

        var reconcile = () => Reconciler.ReconcileIncrementalAsync(job);

        await reconcile.Should().ThrowAsync<InvalidOperationException>().WithMessage("*IReconcilableDestination*");
        (await Store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReconcileFullAsync_SourceFailsDuringThePass_RecordsAFailedRunWithWhatItCounted()
    {
        var (_, _, job) = await SyncedAsync(10, o => { o.Reconciliation.DriftSampleRate = 0; o.Reconciliation.GapThreshold = 0.5; o.MaxRetryAttempts = 0; });
        var failing = new SyncJob<TestRecord>(Job, new FailingLookupSource(PastRecords(9)), job.Destination, job.Serializer) { Options = job.Options };

        var run = await Reconciler.ReconcileFullAsync(failing);

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("lookup is down");
        ReportOf(run).Extra.Should().Be(1);
        (await Store.Runs.GetRunAsync(run.RunId, default))!.Outcome.Should().Be(RunOutcome.Failed);
    }

    [Fact]
    public async Task ReconcileFullAsync_LookupConcurrency_KeepsThatManyLookupsInFlightAndReportsWhatOneAtATimeDoes()
    {
        var (source, destination, job) = await SyncedAsync(200, o => { o.Reconciliation.DriftSampleRate = 0; o.Reconciliation.GapThreshold = 0.5; });
        string[] removed = ["3", "57", "100", "141", "199"];
        string[] hidden = ["20", "88", "150"];
        foreach (var key in removed)
        {
            source.Remove(key);
        }

        foreach (var key in hidden)
        {
            source.HideFromListing(key);
        }

        var sequential = ReportOf(await Reconciler.ReconcileFullAsync(job, CorrectionMode.Never));
        job.Options.Reconciliation.LookupConcurrency = 4;
        var gated = new GatedLookupSource(source, opensAt: 4);
        var concurrent = ReportOf(await Reconciler.ReconcileFullAsync(new SyncJob<TestRecord>(Job, gated, destination, job.Serializer) { Options = job.Options }));

        gated.MostInFlight.Should().Be(4, "the first four lookups wait for each other, and no fifth may start meanwhile");
        destination.DeletedKeys.Should().BeEquivalentTo(removed);
        concurrent.Should().BeEquivalentTo(new { sequential.Checked, sequential.Extra, sequential.GoneAtSource, sequential.StillAtSource, Deleted = 5L });
        concurrent.StillAtSourceKeys.Should().Equal(sequential.StillAtSourceKeys).And.Equal("150", "20", "88");
        concurrent.DeletedKeys.Should().Equal("100", "141", "199", "3", "57");
    }

    /// <summary>Holds each lookup until <c>opensAt</c> are in flight at once, and counts the most that ever were.</summary>
    private sealed class GatedLookupSource(ScriptedSource<TestRecord> inner, int opensAt) : ISource<TestRecord>, IKeyListingSource, IKeyLookupSource<TestRecord>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public int MostInFlight => Volatile.Read(ref _most);

        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
            inner.ReadPageAsync(after, context, cancellationToken);

        public IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken) => inner.ListKeysAsync(job, cancellationToken);

        public async ValueTask<SourceRecord<TestRecord>?> GetAsync(JobId job, string key, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref _most, now);
            if (now >= opensAt)
            {
                _open.TrySetResult();
            }

            try
            {
                // Lookups one at a time would never open the gate: fail rather than hang.
                await _open.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, cancellationToken);
                return await inner.GetAsync(job, key, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private static void InterlockedMax(ref int location, int value)
        {
            var current = Volatile.Read(ref location);
            while (value > current && Interlocked.CompareExchange(ref location, value, current) is var seen && seen != current)
            {
                current = seen;
            }
        }
    }

    private sealed class PagesOnlySource : ISource<TestRecord>
    {
        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SourcePage<TestRecord>.Empty);
    }

    private sealed class WriteOnlyDestination : IDestination<TestRecord>
    {
        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<RecordOutcome>>([.. batch.Records.Select(_ => RecordOutcome.Written)]);
    }

    private sealed class FailingLookupSource(IEnumerable<SourceRecord<TestRecord>> records) : ISource<TestRecord>, IKeyListingSource, IKeyLookupSource<TestRecord>
    {
        private readonly ScriptedSource<TestRecord> _inner = new(records);

        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
            _inner.ReadPageAsync(after, context, cancellationToken);

        public IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken) => _inner.ListKeysAsync(job, cancellationToken);

        public ValueTask<SourceRecord<TestRecord>?> GetAsync(JobId job, string key, CancellationToken cancellationToken) =>
            throw new SyncException(ErrorClass.Permanent, "lookup is down");
    }
}
