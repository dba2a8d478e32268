using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>
/// Pages are cut into per-partition batches of at most <see cref="SyncJobOptions.BatchSize"/> records that refer to
/// the pages instead of copying them: the destination still sees each record once, in batches it may keep.
/// </summary>
public sealed class BatchingTests : EngineTestBase
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task RunAsync_PagesLargerThanBatches_HandsEveryRecordOnceInBatchesOfAtMostBatchSize(int partitions)
    {
        const int BatchSize = 7;
        var records = Enumerable.Range(1, 200).Select(i => Record(i, i)).ToList();
        var sizes = new List<int>();
        var seen = new List<string>();
        var destination = NewDestination();
        destination.BeforeWrite = (batch, _) =>
        {
            lock (seen)
            {
                sizes.Add(batch.Records.Count);
                seen.AddRange(batch.Records.Select(r => r.Key));
            }

            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(new ListSource<TestRecord>(records), destination, o =>
        {
            o.PageSize = 50;
            o.BatchSize = BatchSize;
            o.Partitions = partitions;
        }));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        sizes.Should().OnlyContain(size => size >= 1 && size <= BatchSize);
        seen.Should().BeEquivalentTo(records.Select(r => r.Key), "every record reaches the destination exactly once");
        (await CheckpointAsync()).Should().Be(records[^1].Position);
    }

    [Fact]
    public async Task RunAsync_DestinationKeepsItsBatches_KeptBatchesStillHoldTheRecordsTheyWereWrittenWith()
    {
        var records = Enumerable.Range(1, 120).Select(i => Record(i, i)).ToList();
        var kept = new List<(IReadOnlyList<SourceRecord<TestRecord>> Batch, SourceRecord<TestRecord>[] AsWritten)>();
        var destination = NewDestination();
        destination.BeforeWrite = (batch, _) =>
        {
            lock (kept)
            {
                kept.Add((batch.Records, [.. batch.Records]));
            }

            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(new ListSource<TestRecord>(records), destination, o =>
        {
            o.PageSize = 20;
            o.BatchSize = 15;
            o.Partitions = 4;
        }));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        kept.Should().NotBeEmpty();
        foreach (var (batch, asWritten) in kept)
        {
            batch.Should().Equal(asWritten, "a later page or batch must not change a batch the destination kept");
            Enumerable.Range(0, batch.Count).Select(i => batch[i]).Should().Equal(asWritten, "indexing and enumerating agree");
        }
    }
}
