using SyncKit.Testing;

namespace SyncKit.Tests.Reconciliation;

public sealed class JsonFieldComparerTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly JsonFieldComparer<TestRecord> _comparer = new(new JsonRecordSerializer<TestRecord>());

    [Fact]
    public void Compare_SameRecord_FindsNoDrift() =>
        _comparer.Compare(new TestRecord("1", At, 3, "a"), new TestRecord("1", At, 3, "a")).Should().BeEmpty();

    [Fact]
    public void Compare_DifferentFields_NamesEachDifferingField() =>
        _comparer.Compare(new TestRecord("1", At, 3, "a"), new TestRecord("1", At.AddSeconds(1), 3, "b")).Should().Equal("payload", "updatedAt");

    [Fact]
    public void Compare_PayloadsThatAreNotJsonObjects_ComparesThemWhole()
    {
        var comparer = new JsonFieldComparer<string>(new PlainSerializer());

        comparer.Compare("a", "b").Should().Equal("$");
        comparer.Compare("a", "a").Should().BeEmpty();
    }

    private sealed class PlainSerializer : IRecordSerializer<string>
    {
        public string Serialize(string value) => value;

        public string Deserialize(string payload) => payload;
    }
}
