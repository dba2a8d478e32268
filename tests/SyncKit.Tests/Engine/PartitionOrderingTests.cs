using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>Records are processed in parallel partitions, but one key's changes reach the destination in read order.</summary>
public sealed class PartitionOrderingTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_ManyPartitions_AppliesEachKeysChangesInReadOrder()
    {
        // A key count prime to the partition count, so no other way of spreading records would happen to keep
        // each key in one partition.
        const int Keys = 37;
        const int Versions = 10;
        var changes = Enumerable.Range(1, Versions)
            .SelectMany(version => Enumerable.Range(0, Keys).Select(key => (Key: $"k{key}", Version: version)))
            .Select((change, i) => new SourceRecord<TestRecord>(change.Key, Cursor.At(T0.AddSeconds(i), change.Key), new TestRecord(change.Key, T0.AddSeconds(i), change.Version)))
            .ToList();
        var seen = new Dictionary<string, List<long>>();
        var destination = NewDestination();
        var firstBatchTaken = 0;
        var othersWritten = 0;
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first batch is held back until 30 later batches were written, or one of them carries a key of the
        // held batch: were one key's changes spread over partitions, a later version would overtake the held one.
        string[] heldKeys = [];
        destination.BeforeWrite = async (batch, _) =>
        {
            var held = Interlocked.Exchange(ref firstBatchTaken, 1) == 0;
            if (held)
            {
                Volatile.Write(ref heldKeys, [.. batch.Records.Select(r => r.Key)]);
                await releaseFirst.Task.OrHang();
            }

            lock (seen)
            {
                foreach (var record in batch.Records)
                {
                    if (!seen.TryGetValue(record.Key, out var versions))
                    {
                        seen[record.Key] = versions = [];
                    }

                    versions.Add(record.Value.Version);
                }
            }

            if (!held && (Interlocked.Increment(ref othersWritten) == 30 || batch.Records.Any(r => Volatile.Read(ref heldKeys).Contains(r.Key))))
            {
                releaseFirst.TrySetResult();
            }
        };

        var run = await Engine.RunAsync(NewJob(new ListSource<TestRecord>(changes), destination, o => { o.Partitions = 8; o.BatchSize = 3; o.PageSize = 50; }));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        seen.Should().HaveCount(Keys);
        seen.Should().AllSatisfy(p => p.Value.Should().Equal(Enumerable.Range(1, Versions).Select(v => (long)v), "key {0} must see its versions in read order", p.Key));
        run.Counts.Skipped.Should().Be(0, "no change arrived after a newer one");
        destination.Rows.Values.Should().OnlyContain(r => r.Version == Versions);
    }
}
