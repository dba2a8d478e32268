using System.Globalization;
using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Operations;

public sealed class WindowOperationsTests : EngineTestBase
{
    [Fact]
    public async Task ReplayAsync_PastWindow_ReturnsTheOperationsAndLeavesDestinationAndEveryStoreByteIdentical()
    {
        var commits = 0;
        var store = new InMemorySyncStateStore(Time, () => commits++);
        var engine = new SyncEngine(store, Time);
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 100).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "bad e-mail") : null;
        var job = NewJob(source, destination, o => o.AuditLog = true);
        await engine.RunAsync(job);

        // Two records change after the sync, and the dead letter of record 7 falls due: a regular run would
        // write both and re-drive the dead letter.
        source.Add(Record(20, 20, version: 2));
        source.Add(Record(30, 30, version: 2));
        Time.Advance(TimeSpan.FromHours(1));
        var keys = Enumerable.Range(1, 100).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var storeBefore = await StateSnapshot.OfAsync(store, [Job], keys);
        var destinationBefore = StateSnapshot.Of(destination);
        var commitsBefore = commits;

        var replay = await new WindowOperations(engine).ReplayAsync(job, T0.AddSeconds(10), T0.AddSeconds(40));

        replay.Run.Kind.Should().Be(RunKind.Replay);
        replay.Run.Outcome.Should().Be(RunOutcome.Succeeded);
        replay.Operations.Select(o => o.Record.Key).Should().Equal(Enumerable.Range(10, 30).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        replay.Operations.Where(o => o.Action == ReplayAction.Write).Select(o => o.Record.Key).Should().Equal("20", "30");
        (await StateSnapshot.OfAsync(store, [Job], keys)).Should().Be(storeBefore);
        StateSnapshot.Of(destination).Should().Be(destinationBefore);
        commits.Should().Be(commitsBefore, "a replay commits nothing, not even its run record");
    }

    [Fact]
    public async Task ReplayAsync_SourceWithoutWindows_ThrowsNamingTheMissingCapability()
    {
        var job = NewJob(new PagesOnlySource(), NewDestination());

        var replay = () => new WindowOperations(Engine).ReplayAsync(job, T0, T0.AddHours(1));

        await replay.Should().ThrowAsync<InvalidOperationException>().WithMessage("*IWindowedSource*");
    }

    [Fact]
    public async Task BackfillAsync_WindowBeyondTheCheckpoint_WritesThroughTheDestinationAndLeavesTheCheckpointUnchanged()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 100).Select(i => Record(i, i)));
        var destination = NewDestination();
        await Engine.RunAsync(NewJob(source, destination));
        var checkpoint = await CheckpointAsync();
        foreach (var i in Enumerable.Range(101, 50))
        {
            source.Add(Record(i, i));
        }

        var run = await new WindowOperations(Engine).BackfillAsync(NewJob(source, destination), T0.AddSeconds(90), T0.AddSeconds(200));

        run.Kind.Should().Be(RunKind.Backfill);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Should().BeEquivalentTo(new { Read = 61L, Written = 50L, Skipped = 11L });
        run.CursorFrom.Should().Be(Cursor.At(T0.AddSeconds(90), string.Empty));
        run.CursorTo.Should().Be(Cursor.At(T0.AddSeconds(200), string.Empty));
        destination.Rows.Should().HaveCount(150);
        (await CheckpointAsync()).Should().Be(checkpoint!);
        (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run);
    }

    [Fact]
    public async Task BackfillAsync_FailingRecord_IsDeadLetteredWithoutMovingTheCheckpoint()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 20).Select(i => Record(i, i)));
        await Engine.RunAsync(NewJob(source, NewDestination()));
        var checkpoint = await CheckpointAsync();
        var restored = NewDestination();
        restored.Fail = r => r.Key == "5" ? RecordOutcome.Failed(ErrorClass.Conflict, "locked") : null;

        var run = await new WindowOperations(Engine).BackfillAsync(NewJob(source, restored), T0, T0.AddMinutes(1));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        restored.Rows.Should().HaveCount(19);
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle(d => d.RecordKey == "5");
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    private sealed class PagesOnlySource : ISource<TestRecord>
    {
        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SourcePage<TestRecord>.Empty);
    }
}
