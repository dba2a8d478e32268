using Microsoft.Extensions.Logging;
using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.DeadLetters;

public sealed class DeadLetterOperationsTests : EngineTestBase
{
    [Fact]
    public async Task RetryNowAsync_ParkedEntryThatNowSucceeds_IsResolvedAtOnceAndRecorded()
    {
        var (job, destination) = await ParkedAsync("7");
        var checkpoint = await CheckpointAsync();
        destination.Fail = null;

        var retry = await new DeadLetterOperations(Engine).RetryNowAsync(job, ["7"], "bob");

        retry.Kind.Should().Be(RunKind.DeadLetterRetry);
        retry.Outcome.Should().Be(RunOutcome.Succeeded);
        retry.Counts.Written.Should().Be(1);
        destination.Rows.Should().ContainKey("7");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        OperatorAction.FromRun(retry).Should().BeEquivalentTo(new OperatorAction("bob", null, ["7"]));
        (await Store.Runs.GetRunAsync(retry.RunId, default)).Should().BeEquivalentTo(retry);
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    [Fact]
    public async Task RetryNowAsync_StillFailing_SpendsOneAttemptAndParksAgain()
    {
        var (job, _) = await ParkedAsync("7");

        await new DeadLetterOperations(Engine).RetryNowAsync(job, ["7"], "bob");

        var entry = (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
        entry.Status.Should().Be(DeadLetterStatus.Parked);
        entry.Attempts.Should().Be(3);
    }

    [Fact]
    public async Task RetryNowAsync_AutomaticRedriveTurnedOff_StillRedrivesTheEntriesAskedForAndNoOther()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key is "3" or "7" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        var job = NewJob(source, destination, o => o.DeadLetters.RedriveBatchLimit = 0);
        await Engine.RunAsync(job);
        destination.Fail = null;
        Time.Advance(TimeSpan.FromHours(1));

        var retry = await new DeadLetterOperations(Engine).RetryNowAsync(job, ["7"], "bob");

        retry.Counts.Written.Should().Be(1, "an operator's retry is not the automatic re-drive the limit turns off");
        destination.Rows.Should().ContainKey("7").And.NotContainKey("3");
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Select(d => d.RecordKey).Should().Equal("3");
    }

    [Fact]
    public async Task DiscardAsync_SomeEntries_RemovesThemAndRecordsTheDiscardWithAnAuditEntry()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key is "3" or "7" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        await Engine.RunAsync(NewJob(source, destination));
        Time.Advance(TimeSpan.FromMinutes(5));

        var listed = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        var seven = DeadLetterId.Of(listed.Single(e => e.RecordKey == "7"));

        var discard = await new DeadLetterOperations(Engine).DiscardAsync(Job, [seven, new DeadLetterId("99", Cursor.At(T0, "99"))], "carol", "a test record");

        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Select(d => d.RecordKey).Should().Equal("3");
        discard.Kind.Should().Be(RunKind.DeadLetterDiscard);
        OperatorAction.FromRun(discard).Should().BeEquivalentTo(new OperatorAction("carol", "a test record", ["7"]));
        (await Store.Runs.GetRunAsync(discard.RunId, default)).Should().BeEquivalentTo(discard);
        var audit = await Store.Runs.GetAuditAsync(Job, "7", default);
        audit.Should().ContainSingle().Which.Should().Be(new AuditEntry(discard.RunId, Job, "7", Cursor.At(T0.AddSeconds(7), "7"), AuditActions.Discarded, T0.AddMinutes(5)));
    }

    [Fact]
    public async Task RetryNowAsync_ScheduledRunStartsWhileTheRetryIsInFlight_WaitsForItAndKeepsTheNewerFailure()
    {
        var waiting = new LogEventSignal("WaitingForJob");
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(waiting));
        var engine = new SyncEngine(Store, Time, loggerFactory);
        var (job, source, destination) = await FiveDeadLetteredAtVersion1Async(engine);
        var (retryWriting, release) = BlockWritesOfVersion1(destination);

        var retry = new DeadLetterOperations(engine).RetryNowAsync(job, ["5"], "bob");
        await retryWriting;
        source.Add(Record(5, 2, version: 2));
        var scheduled = engine.RunAsync(job);

        (await Task.WhenAny(waiting.Logged, scheduled)).Should().Be(waiting.Logged, "the scheduled run waits for the retry of the same job");
        release.SetResult();
        (await retry).Counts.Written.Should().Be(1);
        (await scheduled).Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);

        var entry = (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
        entry.Position.Should().Be(Cursor.At(T0.AddSeconds(2), "5"));
        entry.LastError.Should().Be("v2 invalid");
    }

    [Fact]
    public async Task RetryNowAsync_AnotherHostDeadLettersANewerVersionWhileTheRetryIsInFlight_ResolvesOnlyTheVersionRetried()
    {
        var (job, source, destination) = await FiveDeadLetteredAtVersion1Async(Engine);
        var (retryWriting, release) = BlockWritesOfVersion1(destination);
        var retry = new DeadLetterOperations(Engine).RetryNowAsync(job, ["5"], "bob");
        await retryWriting;

        // A host that does not share this one's gate (no leases) runs the job meanwhile: 5@v2 fails and replaces 5@v1's entry.
        source.Add(Record(5, 2, version: 2));
        (await new SyncEngine(Store, Time).RunAsync(job)).Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        release.SetResult();
        (await retry).Outcome.Should().Be(RunOutcome.Succeeded);

        var entry = (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
        entry.Position.Should().Be(Cursor.At(T0.AddSeconds(2), "5"), "resolving 5@v1 must not remove 5@v2, which is nowhere else");
    }

    [Fact]
    public async Task DiscardAsync_RecordFailedAgainSinceItWasListed_KeepsTheNewerEntry()
    {
        var (job, source, _) = await FiveDeadLetteredAtVersion1Async(Engine);
        var listed = (await new DeadLetterOperations(Engine).ListAsync(DeadLetterQuery.ForJob(Job))).Single();
        source.Add(Record(5, 2, version: 2));
        await Engine.RunAsync(job);

        var discard = await new DeadLetterOperations(Engine).DiscardAsync(Job, [DeadLetterId.Of(listed)], "carol");

        OperatorAction.FromRun(discard)!.RecordKeys.Should().BeEmpty();
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle()
            .Which.Position.Should().Be(Cursor.At(T0.AddSeconds(2), "5"), "the operator never saw the failure of version 2");
    }

    [Fact]
    public async Task ListAsync_PerJob_ReturnsOnlyThatJobsEntries()
    {
        var other = new JobId("tenant-b", "invoices");
        foreach (var id in new[] { Job, other })
        {
            var destination = NewDestination();
            destination.Fail = _ => RecordOutcome.Failed(ErrorClass.Validation, "bad");
            var source = new ScriptedSource<TestRecord>([Record(1, 1)]);
            await Engine.RunAsync(new SyncJob<TestRecord>(id, source, destination, new JsonRecordSerializer<TestRecord>()));
        }

        var listed = await new DeadLetterOperations(Engine).ListAsync(DeadLetterQuery.ForJob(other));

        listed.Should().ContainSingle().Which.Job.Should().Be(other);
    }

    /// <summary>Runs a job whose source holds record 5 at version 1, which fails validation; version 2 will fail too.</summary>
    private async Task<(SyncJob<TestRecord> Job, ScriptedSource<TestRecord> Source, CollectingDestination<TestRecord> Destination)> FiveDeadLetteredAtVersion1Async(SyncEngine engine)
    {
        var source = new ScriptedSource<TestRecord>([Record(5, 1, version: 1)]);
        var destination = NewDestination();
        destination.Fail = r => RecordOutcome.Failed(ErrorClass.Validation, r.Value.Version == 1 ? "v1 invalid" : "v2 invalid");
        var job = NewJob(source, destination);
        (await engine.RunAsync(job)).Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        return (job, source, destination);
    }

    /// <summary>From now on version 1 is written, but its first batch waits for the returned release; version 2 still fails.</summary>
    private static (Task Writing, TaskCompletionSource Release) BlockWritesOfVersion1(CollectingDestination<TestRecord> destination)
    {
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        destination.Fail = r => r.Value.Version == 1 ? null : RecordOutcome.Failed(ErrorClass.Validation, "v2 invalid");
        destination.BeforeWrite = async (batch, _) =>
        {
            if (batch.Records.Any(r => r.Value.Version == 1) && writing.TrySetResult())
            {
                await release.Task;
            }
        };
        return (writing.Task, release);
    }

    /// <summary>
    /// Dead-letters a record, then re-drives it once more so it parks after its second (last) attempt. The second run
    /// also re-reads the record inside its lookback; failing again there leaves the parked entry as it is.
    /// </summary>
    private async Task<(SyncJob<TestRecord> Job, CollectingDestination<TestRecord> Destination)> ParkedAsync(string key)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key == key ? RecordOutcome.Failed(ErrorClass.Conflict, "locked") : null;
        var job = NewJob(source, destination, o => { o.DeadLetters.BaseDelay = TimeSpan.Zero; o.DeadLetters.MaxAttempts = 2; });
        await Engine.RunAsync(job);
        await Engine.RunAsync(job);
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle(d => d.Status == DeadLetterStatus.Parked);
        return (job, destination);
    }
}
