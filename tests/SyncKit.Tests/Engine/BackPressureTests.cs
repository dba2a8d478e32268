using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>
/// Reading and writing are joined by a bounded queue: while the destination is stuck, the source is read only
/// until about <see cref="SyncJobOptions.QueueCapacity"/> records wait, so memory stays flat however large the backlog.
/// </summary>
public sealed class BackPressureTests : EngineTestBase
{
    private const int Records = 20_000;
    private const int PageSize = 100;
    private const int QueueCapacity = 1_000;
    private const int Partitions = 2;

    // What may be held at once: the queue, the page being read and the one being split into partitions, and one
    // batch per partition inside the destination.
    private const int MostRecordsHeld = QueueCapacity + (2 * PageSize) + (Partitions * PageSize);

    [Fact]
    public async Task RunAsync_DestinationStuck_ReadsNoFurtherThanTheQueueHoldsThenEverythingOnceReleased()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, Records).Select(i => Record(i, i)));
        var destination = NewDestination();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readTooFar = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mostHeld = 0;
        source.BeforeRead = (_, _) =>
        {
            // Records read so far (this page included) minus records the destination has taken.
            var held = ((source.Reads + 1) * PageSize) - (int)destination.WriteCount;
            mostHeld = Math.Max(mostHeld, held);
            if (held > MostRecordsHeld)
            {
                readTooFar.TrySetResult();
            }

            return ValueTask.CompletedTask;
        };
        destination.BeforeWrite = async (_, _) => await release.Task;

        var run = Engine.RunAsync(NewJob(source, destination, options =>
        {
            options.PageSize = PageSize;
            options.BatchSize = PageSize;
            options.Partitions = Partitions;
            options.QueueCapacity = QueueCapacity;
        }));

        // Without back-pressure an in-memory source is read to its end long before this wait is over; with it the
        // reader parks once the queue is full, and the wait ends on the timeout.
        var overrun = await Task.WhenAny(readTooFar.Task, Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System));
        overrun.Should().NotBeSameAs(readTooFar.Task, $"at most {MostRecordsHeld} records may wait while the destination is stuck, yet the source was read {source.Reads} times");
        source.Reads.Should().BeGreaterThan(QueueCapacity / PageSize / 2, "the reader fills the queue before it waits");

        release.SetResult();
        var record = await run.OrHang();

        record.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Should().HaveCount(Records);
        destination.WriteCount.Should().Be(Records);
        mostHeld.Should().BeLessThanOrEqualTo(MostRecordsHeld, "the queue stays bounded for the whole run");
    }
}
