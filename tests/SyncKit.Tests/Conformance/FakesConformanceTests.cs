using SyncKit.Testing;
using SyncKit.Testing.Xunit;

namespace SyncKit.Tests.Conformance;

/// <summary>The fakes connector authors test against keep the same contracts as real connectors.</summary>
public sealed class ScriptedSourceConformanceTests : SourceConformanceTests<TestRecord>
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected override ValueTask<ISource<TestRecord>> CreateSourceAsync(int recordCount) =>
        Source(Enumerable.Range(1, recordCount).Select(i => (i, Second: i)));

    // The tied records take the instant after the last one before them; ids are numeric, so "10" sorts after "9".
    protected override ValueTask<ISource<TestRecord>> CreateSourceWithTieAsync(int before, int tied, int after) =>
        Source(Enumerable.Range(1, before + tied + after).Select(i => (i, Second: i <= before ? i : i <= before + tied ? before + 1 : i - tied + 1)));

    private static ValueTask<ISource<TestRecord>> Source(IEnumerable<(int Id, int Second)> records) =>
        ValueTask.FromResult<ISource<TestRecord>>(new ScriptedSource<TestRecord>(records.Select(r => new TestRecord($"{r.Id}", T0.AddSeconds(r.Second)).ToSourceRecord())));
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

    protected override SourceRecord<TestRecord> CreateInvalidRecord(string key) =>
        new TestRecord(key, T0, 1, "invalid").ToSourceRecord();

    protected override ValueTask<int?> ReadVersionAsync(IDestination<TestRecord> destination, string key) =>
        ValueTask.FromResult(((CollectingDestination<TestRecord>)destination).Rows.TryGetValue(key, out var row) ? (int?)row.Version : null);
}
