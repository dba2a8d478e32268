using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>
/// A commit either makes a batch's effect and the checkpoint durable together, or fails the run and leaves
/// nothing the next run could trust; for a destination writing in the state transaction, not even its rows.
/// </summary>
public sealed class CommitTests : EngineTestBase
{
    private readonly FaultInjectingStateStore _store;
    private readonly SyncEngine _engine;
    private readonly ScriptedSource<TestRecord> _source = new(Enumerable.Range(1, 30).Select(i => Record(i, i)));
    private int _writeCalls;

    public CommitTests()
    {
        _store = new FaultInjectingStateStore(Store);
        _engine = new SyncEngine(_store, Time);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_CommitFails_FailsTheRunWithoutMovingTheCheckpointAndTheNextRunRepeatsOnlyTheUncommittedBatch(bool transactional)
    {
        var destination = CountingDestination(transactional);
        var job = NewJob(_source, destination, Configure);
        _store.FailNextCommit(new InvalidOperationException("the connection was lost during COMMIT"));

        var failed = await _engine.RunAsync(job);

        failed.Outcome.Should().Be(RunOutcome.Failed);
        failed.Error.Should().Be("the connection was lost during COMMIT");
        failed.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 1 }, "one failure happened");
        failed.Counts.Retried.Should().Be(0, "a failed commit is not the destination's failure to retry");
        failed.Counts.Written.Should().Be(0, "nothing was committed");
        _writeCalls.Should().Be(1);
        failed.CursorTo.Should().BeNull();
        (await CheckpointAsync()).Should().BeNull();
        if (transactional)
        {
            destination.Rows.Should().BeEmpty("the rows were written in the transaction that failed");
        }

        var retried = await _engine.RunAsync(job);

        retried.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Keys.Select(int.Parse).Order().Should().Equal(Enumerable.Range(1, 30));

        // Outside the state transaction the first batch reached the destination before its commit failed, so the
        // next run delivers it again (skipped as stale); inside it, that delivery rolled back with the commit.
        destination.Deliveries.Should().BeEquivalentTo(
            Enumerable.Range(1, 30).ToDictionary(i => $"{i}", i => i <= 10 && !transactional ? 2 : 1),
            "only the batch whose commit failed may be delivered again");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(30), "30"));
    }

    [Fact]
    public async Task RunAsync_TheCommitCannotBegin_FailsTheRunWithTheStoreErrorInsteadOfRewritingTheBatch()
    {
        var destination = CountingDestination(transactional: false);
        destination.Fail = r => r.Key == "4" ? RecordOutcome.Failed(ErrorClass.Validation, "bad") : null;
        _store.FailNextBegin(new IOException("the state database is unreachable"));

        var failed = await _engine.RunAsync(NewJob(_source, destination, Configure));

        failed.Outcome.Should().Be(RunOutcome.Failed);
        failed.Error.Should().Be("the state database is unreachable");
        _writeCalls.Should().Be(1, "records already marked done must not be written and marked again");
        (await CheckpointAsync()).Should().BeNull();
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
    }

    [Fact]
    public async Task RunAsync_DestinationAnswersAfterTheAttemptTimeout_StillCommitsWhatItWrote()
    {
        var destination = CountingDestination(transactional: false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counting = destination.BeforeWrite!;
        destination.BeforeWrite = async (batch, token) =>
        {
            await counting(batch, token);
            if (entered.TrySetResult())
            {
                await answer.Task;
            }
        };

        var run = Engine.RunAsync(NewJob(_source, destination, o => { Configure(o); o.AttemptTimeout = TimeSpan.FromSeconds(5); }));
        await entered.Task.OrHang();
        Time.Advance(TimeSpan.FromSeconds(5));
        answer.SetResult();
        var record = await run.OrHang();

        record.Outcome.Should().Be(RunOutcome.Succeeded, "the timeout bounds the write; a write that did complete is committed");
        _writeCalls.Should().Be(3);
        destination.Deliveries.Should().HaveCount(30).And.OnlyContain(d => d.Value == 1, "the late answer is not taken for a failure to write again");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(30), "30"));
    }

    private CollectingDestination<TestRecord> CountingDestination(bool transactional)
    {
        var destination = NewDestination(transactional);
        destination.BeforeWrite = (_, _) =>
        {
            Interlocked.Increment(ref _writeCalls);
            return ValueTask.CompletedTask;
        };
        return destination;
    }

    private static void Configure(SyncJobOptions options)
    {
        options.Partitions = 1;
        options.PageSize = 10;
        options.BatchSize = 10;
    }
}
