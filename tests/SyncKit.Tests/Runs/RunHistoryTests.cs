using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Runs;

public sealed class RunHistoryTests : EngineTestBase
{
    [Fact]
    public async Task QueryAsync_ByTenantJobTimeRangeOutcomeAndKind_ReturnsTheMatchingRunsNewestFirst()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var first = await Engine.RunAsync(NewJob(source, destination));
        Time.Advance(TimeSpan.FromHours(1));
        source.Add(Record(11, 11));
        destination.Fail = r => r.Key == "11" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        var second = await Engine.RunAsync(NewJob(source, destination));
        var otherTenant = await Engine.RunAsync(new SyncJob<TestRecord>(new JobId("tenant-b", "invoices"), source, NewDestination(), new JsonRecordSerializer<TestRecord>()));
        Time.Advance(TimeSpan.FromHours(1));
        var backfill = await new WindowOperations(Engine).BackfillAsync(NewJob(source, destination), T0, T0.AddMinutes(1));
        var history = new RunHistory(Engine);

        (await history.QueryAsync(RunQuery.ForJob(Job))).Select(r => r.RunId).Should().Equal(backfill.RunId, second.RunId, first.RunId);
        (await history.QueryAsync(new RunQuery { Tenant = "tenant-b" })).Select(r => r.RunId).Should().Equal(otherTenant.RunId);
        (await history.QueryAsync(RunQuery.ForJob(Job) with { StartedFrom = T0.AddMinutes(30), StartedBefore = T0.AddMinutes(90) }))
            .Select(r => r.RunId).Should().Equal(second.RunId);
        (await history.QueryAsync(new RunQuery { Outcome = RunOutcome.CompletedWithDeadLetters })).Select(r => r.RunId).Should().Equal(backfill.RunId, second.RunId);
        (await history.QueryAsync(new RunQuery { Kind = RunKind.Backfill })).Select(r => r.RunId).Should().Equal(backfill.RunId);
        (await history.GetAsync(first.RunId)).Should().BeEquivalentTo(first);
    }

    [Fact]
    public async Task WhichRunsTouchedAsync_RecordWrittenDeadLetteredAndDiscarded_ListsEachRunOldestFirst()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var job = NewJob(source, destination, o => o.AuditLog = true);
        var written = await Engine.RunAsync(job);
        source.Add(Record(5, 20, version: 2));
        destination.Fail = r => r.Key == "5" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        var deadLettered = await Engine.RunAsync(job);
        var listed = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        var discarded = await new DeadLetterOperations(Engine).DiscardAsync(Job, [.. listed.Select(DeadLetterId.Of)], "dave");

        var touches = await new RunHistory(Engine).WhichRunsTouchedAsync(Job, "5");

        touches.Select(t => (t.Entry.Action, t.Run!.RunId, t.Run.Kind)).Should().Equal(
            (AuditActions.Written, written.RunId, RunKind.Sync),
            (AuditActions.DeadLettered, deadLettered.RunId, RunKind.Sync),
            (AuditActions.Discarded, discarded.RunId, RunKind.DeadLetterDiscard));
    }
}
