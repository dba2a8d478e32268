using SyncKit.Testing;

namespace SyncKit.Tests.Conformance;

/// <summary>
/// The destination kit's overwrite case checks what the destination declares: it never passes a destination that cannot
/// overwrite without saying so, and says what to do.
/// </summary>
public sealed class DestinationConformanceKitTests
{
    private const string OverwriteCase = "OverwriteAsync_OlderVersionAfterNewer_ReplacesTheNewer";

    [Fact]
    public async Task RunCaseAsync_DestinationThatCannotOverwrite_FailsTheOverwriteCaseSayingWhatToDo()
    {
        var run = () => new Kit(overwritable: false).RunCaseAsync(OverwriteCase);

        (await run.Should().ThrowAsync<ConformanceException>()).Which.Message
            .Should().StartWith($"Destination conformance case '{OverwriteCase}' failed: ")
            .And.Contain("returned WriteOnlyDestination, which does not implement IOverwritableDestination<T>")
            .And.Contain("override CanOverwrite to return false");
    }

    [Fact]
    public async Task RunCaseAsync_DestinationDeclaredUnableToOverwrite_PassesTheOverwriteCase()
    {
        var kit = new Kit(overwritable: false) { DeclaresOverwrite = false };

        await kit.RunCaseAsync(OverwriteCase);
    }

    [Fact]
    public async Task RunCaseAsync_OverwritableDestinationDeclaredUnable_FailsSoTheOverwriteIsChecked()
    {
        var run = () => new Kit(overwritable: true) { DeclaresOverwrite = false }.RunCaseAsync(OverwriteCase);

        (await run.Should().ThrowAsync<ConformanceException>()).Which.Message
            .Should().Contain("CanOverwrite is false, yet CreateDestinationAsync returned CollectingDestination`1, which implements");
    }

    [Fact]
    public async Task RunCaseAsync_DestinationThatRepeatsAnOutcome_FailsNamingTheCount()
    {
        var run = () => new Kit(overwritable: true) { RepeatFirstOutcome = true }.RunCaseAsync("WriteAsync_SameBatchTwice_IsIdempotent");

        (await run.Should().ThrowAsync<ConformanceException>()).Which.Message
            .Should().Contain("the number of outcomes for a batch of 2 records: expected 2, found 3.");
    }

    private sealed class Kit(bool overwritable) : DestinationConformanceKit<TestRecord>
    {
        private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public bool DeclaresOverwrite { get; init; } = true;

        public bool RepeatFirstOutcome { get; init; }

        protected override bool CanOverwrite => DeclaresOverwrite;

        protected override ValueTask<IDestination<TestRecord>> CreateDestinationAsync()
        {
            var collecting = new CollectingDestination<TestRecord>(r => r.Version)
            {
                Fail = r => r.Value.Payload == "invalid" ? RecordOutcome.Failed(ErrorClass.Validation, "payload is invalid") : null,
            };
            return ValueTask.FromResult<IDestination<TestRecord>>(
                overwritable && !RepeatFirstOutcome ? collecting : new WriteOnlyDestination(collecting, RepeatFirstOutcome));
        }

        protected override SourceRecord<TestRecord> CreateRecord(string key, int version) =>
            new TestRecord(key, T0.AddSeconds(version), version).ToSourceRecord();

        protected override SourceRecord<TestRecord> CreateInvalidRecord(string key) =>
            new TestRecord(key, T0, 1, "invalid").ToSourceRecord();

        protected override ValueTask<int?> ReadVersionAsync(IDestination<TestRecord> destination, string key) =>
            ValueTask.FromResult(Collecting(destination).Rows.TryGetValue(key, out var row) ? (int?)row.Version : null);

        private static CollectingDestination<TestRecord> Collecting(IDestination<TestRecord> destination) =>
            destination as CollectingDestination<TestRecord> ?? ((WriteOnlyDestination)destination).Inner;
    }

    /// <summary>A destination without <see cref="IOverwritableDestination{T}"/>; optionally one that answers an outcome too many.</summary>
    private sealed class WriteOnlyDestination(CollectingDestination<TestRecord> inner, bool repeatFirstOutcome) : IDestination<TestRecord>
    {
        public CollectingDestination<TestRecord> Inner => inner;

        public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken)
        {
            var outcomes = await inner.WriteAsync(batch, cancellationToken);
            return repeatFirstOutcome ? [outcomes[0], .. outcomes] : outcomes;
        }
    }
}
