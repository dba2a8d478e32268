using SyncKit.Testing;

namespace SyncKit.Tests.Conformance;

/// <summary>The fakes connector authors test against keep the same contracts as real connectors.</summary>
public sealed class ScriptedSourceConformanceTests : SourceConformanceTests<TestRecord>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected override ValueTask<ISource<TestRecord>> CreateSourceAsync(int recordCount)
    {
        // The middle half of the records share one second; ids are numeric, so "10" sorts after "9".
        var records = Enumerable.Range(1, recordCount).Select(i =>
        {
            var second = i < recordCount / 4 ? i : i < 3 * recordCount / 4 ? recordCount : recordCount + i;
            return new TestRecord($"{i}", T0.AddSeconds(second)).ToSourceRecord();
        });
        return ValueTask.FromResult<ISource<TestRecord>>(new ScriptedSource<TestRecord>(records));
    }
}

public sealed class CollectingDestinationConformanceTests : DestinationConformanceTests<TestRecord>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected override ValueTask<IDestination<TestRecord>> CreateDestinationAsync() =>
        ValueTask.FromResult<IDestination<TestRecord>>(new CollectingDestination<TestRecord>(r => r.Version)
        {
            Fail = r => r.Value.Payload == "invalid" ? RecordOutcome.Failed(ErrorClass.Validation, "payload is invalid") : null,
        });

    protected override SourceRecord<TestRecord> CreateRecord(string key, int version) =>
        new TestRecord(key, T0.AddSeconds(version), version).ToSourceRecord();

    protected override SourceRecord<TestRecord>? CreateInvalidRecord(string key) =>
        new TestRecord(key, T0, 1, "invalid").ToSourceRecord();

    protected override ValueTask<int?> ReadVersionAsync(IDestination<TestRecord> destination, string key) =>
        ValueTask.FromResult(((CollectingDestination<TestRecord>)destination).Rows.TryGetValue(key, out var row) ? (int?)row.Version : null);
}
