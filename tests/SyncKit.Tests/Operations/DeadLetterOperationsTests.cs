using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Operations;

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
    public async Task DiscardAsync_SomeEntries_RemovesThemAndRecordsTheDiscardWithAnAuditEntry()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key is "3" or "7" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        await Engine.RunAsync(NewJob(source, destination));
        Time.Advance(TimeSpan.FromMinutes(5));

        var discard = await new DeadLetterOperations(Engine).DiscardAsync(Job, ["7", "99"], "carol", "a test record");

        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Select(d => d.RecordKey).Should().Equal("3");
        discard.Kind.Should().Be(RunKind.DeadLetterDiscard);
        OperatorAction.FromRun(discard).Should().BeEquivalentTo(new OperatorAction("carol", "a test record", ["7"]));
        (await Store.Runs.GetRunAsync(discard.RunId, default)).Should().BeEquivalentTo(discard);
        var audit = await Store.Runs.GetAuditAsync(Job, "7", default);
        audit.Should().ContainSingle().Which.Should().Be(new AuditEntry(discard.RunId, Job, "7", Cursor.At(T0.AddSeconds(7), "7"), AuditActions.Discarded, T0.AddMinutes(5)));
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

    /// <summary>Dead-letters a record, then re-drives it once more so it parks after its second (last) attempt.</summary>
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
