using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Operations;

public sealed class CheckpointOperationsTests : EngineTestBase
{
    [Fact]
    public async Task ResetAsync_ToAPosition_MovesTheCheckpointAndRecordsWhoWhenAndWhy()
    {
        // A minute apart, so the 5-minute lookback re-reads a few records, not all of them.
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 100).Select(i => Record(i, i * 60)));
        var job = NewJob(source, NewDestination());
        await Engine.RunAsync(job);
        Time.Advance(TimeSpan.FromMinutes(3));

        var reset = await new CheckpointOperations(Engine).ResetAsync(Job, Cursor.At(T0.AddMinutes(50), "50"), "alice", "the vendor replayed its changes");

        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddMinutes(50), "50"));
        reset.Kind.Should().Be(RunKind.CheckpointReset);
        reset.CursorFrom.Should().Be(Cursor.At(T0.AddMinutes(100), "100"));
        reset.CursorTo.Should().Be(Cursor.At(T0.AddMinutes(50), "50"));
        reset.StartedAt.Should().Be(T0.AddMinutes(3));
        OperatorAction.FromRun(reset).Should().BeEquivalentTo(new OperatorAction("alice", "the vendor replayed its changes", []));
        var history = await new RunHistory(Engine).QueryAsync(RunQuery.ForJob(Job) with { Kind = RunKind.CheckpointReset });
        history.Should().ContainSingle().Which.Should().BeEquivalentTo(reset);
        (await Engine.RunAsync(job)).Counts.Read.Should().Be(56, "the next run reads from the new checkpoint less the lookback: records 45 to 100");
    }

    [Fact]
    public async Task ResetAsync_ToEmpty_NextRunReadsFromTheBeginning()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 30).Select(i => Record(i, i)));
        var job = NewJob(source, NewDestination());
        await Engine.RunAsync(job);

        var reset = await new CheckpointOperations(Engine).ResetAsync(Job, null, "bob");

        (await CheckpointAsync()).Should().BeNull();
        reset.CursorTo.Should().BeNull();
        OperatorAction.FromRun(reset)!.Actor.Should().Be("bob");
        (await Engine.RunAsync(job)).Counts.Read.Should().Be(30);
    }

    [Fact]
    public async Task ShowAsync_CommittedJob_ReportsThePositionAndItsLag()
    {
        var source = new ScriptedSource<TestRecord>([Record(1, -600)]);
        await Engine.RunAsync(NewJob(source, NewDestination()));

        var shown = await new CheckpointOperations(Engine).ShowAsync(Job);

        shown.Should().Be(new CheckpointInfo(Job, Cursor.At(T0.AddMinutes(-10), "1"), TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task ResetAsync_NoActor_Throws()
    {
        var reset = () => new CheckpointOperations(Engine).ResetAsync(Job, null, " ");

        await reset.Should().ThrowAsync<ArgumentException>();
    }
}
