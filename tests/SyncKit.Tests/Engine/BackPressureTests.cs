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
        var queueFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mostHeld = 0;
        source.BeforeRead = (_, _) =>
        {
            // Checked at every read, so the bound holds at each instant the reader could have gone further, not
            // only when the test happens to look: records read so far (this page included) minus those delivered.
            var held = ((source.Reads + 1) * PageSize) - (int)destination.DeliveryCount;
            mostHeld = Math.Max(mostHeld, held);
            if (held >= QueueCapacity)
            {
                queueFull.TrySetResult();
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

        // The destination takes nothing until the reader has filled the queue, so the reader had every chance to
        // run ahead: without back-pressure it reads the whole source while the destination is stuck.
        await queueFull.Task.OrHang();
        release.SetResult();
        var record = await run.OrHang();

        record.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Should().HaveCount(Records);
        destination.Deliveries.Should().HaveCount(Records).And.OnlyContain(d => d.Value == 1);
        mostHeld.Should().BeLessThanOrEqualTo(MostRecordsHeld, "the queue stays bounded for the whole run");
    }
}
