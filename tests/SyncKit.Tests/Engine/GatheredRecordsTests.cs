using SyncKit.Engine.Internal;
using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

public sealed class GatheredRecordsTests
{
    [Fact]
    public void Indexer_AnyOrderOfAccess_FindsEachRecordInItsPage()
    {
        // Three chunks from two pages: page A's records 0 and 2, page B's 1, 3 and 4, page A's 4.
        var pageA = Page("a", 5);
        var pageB = Page("b", 5);
        var records = new GatheredRecords<TestRecord>([pageA, pageB, pageA], [2, 5, 6], [0, 2, 1, 3, 4, 4]);
        string[] expected = ["a0", "a2", "b1", "b3", "b4", "a4"];
        var random = new Random(7);

        foreach (var index in Enumerable.Range(0, 200).Select(_ => random.Next(expected.Length)))
        {
            records[index].Key.Should().Be(expected[index], $"record {index} was asked for");
        }

        records.Select(r => r.Key).Should().Equal(expected);
        FluentActions.Invoking(() => records[6]).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static SourceRecord<TestRecord>[] Page(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SourceRecord<TestRecord>(prefix + i, Cursor.At(DateTimeOffset.UnixEpoch.AddSeconds(i), prefix + i), new TestRecord(prefix + i, DateTimeOffset.UnixEpoch, 1)))];
}
