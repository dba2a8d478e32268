using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>
/// A stop request lets the batch in flight finish and commit, starts nothing new, and ends the run Cancelled;
/// a batch that does not finish within the grace period is abandoned and nothing of it is committed.
/// </summary>
public sealed class GracefulShutdownTests : EngineTestBase
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(10);
    private readonly ScriptedSource<TestRecord> _source = new(Enumerable.Range(1, 50).Select(i => Record(i, i)));
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string[]> _batches = [];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_StopWhileABatchIsInTheDestination_CommitsThatBatchAndNothingAfterIt(bool transactional)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var destination = BlockingDestination(transactional, _ => release.Task);
        using var stop = new CancellationTokenSource();

        var run = Engine.RunAsync(NewJob(_source, destination, Configure), stop.Token);
        await _entered.Task.OrHang();
        stop.Cancel();
        release.SetResult();
        var record = await run.OrHang();

        record.Outcome.Should().Be(RunOutcome.Cancelled);
        _batches.Should().ContainSingle("no batch starts once a stop is requested");
        var inFlight = _batches[0];
        destination.Rows.Keys.Order().Should().Equal(inFlight.Order(), "the batch in flight was committed, and nothing after it");
        destination.Deliveries.Should().BeEquivalentTo(inFlight.ToDictionary(k => k, _ => 1));
        var last = inFlight.Max(int.Parse);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(last), last.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        ((object?)record.CursorTo).Should().Be(await CheckpointAsync());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task RunAsync_DestinationDoesNotReturnWithinTheGracePeriod_IsAbandonedAndNothingOfItsBatchIsCommitted(bool transactional, bool honoursCancellation)
    {
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var destination = BlockingDestination(transactional, token => honoursCancellation ? Task.Delay(Timeout.InfiniteTimeSpan, token) : never.Task);
        using var stop = new CancellationTokenSource();
        try
        {
            var run = Engine.RunAsync(NewJob(_source, destination, Configure), stop.Token);
            await _entered.Task.OrHang();
            stop.Cancel();

            Time.Advance(GracePeriod - TimeSpan.FromTicks(1));
            run.IsCompleted.Should().BeFalse("the batch in flight still has time to finish");
            Time.Advance(TimeSpan.FromTicks(1));
            var record = await run.OrHang();

            record.Outcome.Should().Be(RunOutcome.Cancelled);
            record.CursorTo.Should().BeNull();
            (await CheckpointAsync()).Should().BeNull("the abandoned batch is re-read by the next run");
            destination.Rows.Should().BeEmpty();
        }
        finally
        {
            never.TrySetResult();
        }
    }

    private CollectingDestination<TestRecord> BlockingDestination(bool transactional, Func<CancellationToken, Task> block)
    {
        var destination = NewDestination(transactional);
        destination.BeforeWrite = async (batch, token) =>
        {
            lock (_batches)
            {
                _batches.Add([.. batch.Records.Select(r => r.Key)]);
            }

            if (_entered.TrySetResult())
            {
                await block(token);
            }
        };
        return destination;
    }

    private static void Configure(SyncJobOptions options)
    {
        options.Partitions = 1;
        options.PageSize = 10;
        options.BatchSize = 10;
        options.ShutdownGracePeriod = GracePeriod;
    }
}
