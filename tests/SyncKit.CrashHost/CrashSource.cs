using System.Globalization;
using SyncKit.Testing;

namespace SyncKit.CrashHost;

/// <summary>
/// A deterministic source of <c>count</c> records: record <c>i</c> (1-based) has key <c>i</c>, position
/// <c>(T0 + i / 7 seconds, i)</c> (seven records share each timestamp, so ties are ordered by id) and version 1.
/// The crash host reads it; the crash tests use the same positions to check what the checkpoint covers.
/// </summary>
internal sealed class CrashSource(int count) : ISource<TestRecord>
{
    public static readonly JobId Job = new("crash", "records");

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TestRecord Record(int i) => new(i.ToString(CultureInfo.InvariantCulture), T0.AddSeconds(i / 7));

    /// <summary>How many records are at or below <paramref name="checkpoint"/>: records 1 to the result.</summary>
    public static int CoveredBy(Cursor? checkpoint) =>
        checkpoint is null ? 0 : int.Parse(checkpoint.Id, CultureInfo.InvariantCulture);

    public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        var first = CoveredBy(after) + 1;
        var last = Math.Min(count, first + context.PageSize - 1);
        var records = new List<SourceRecord<TestRecord>>(Math.Max(0, last - first + 1));
        for (var i = first; i <= last; i++)
        {
            records.Add(Record(i).ToSourceRecord());
        }

        return ValueTask.FromResult(new SourcePage<TestRecord>(records, last < count));
    }
}
