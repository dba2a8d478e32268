namespace SyncKit.Tests.Engine;

public sealed class RecordOutcomesTests
{
    [Fact]
    public void All_ThreeWritten_ListsTheOutcomeThreeTimes()
    {
        var outcomes = RecordOutcomes.All(RecordOutcome.Written, 3);

        outcomes.Should().HaveCount(3).And.OnlyContain(o => o == RecordOutcome.Written);
        outcomes[2].Should().Be(RecordOutcome.Written);
    }

    [Fact]
    public void All_IndexOutsideTheBatch_Throws()
    {
        var outcomes = RecordOutcomes.All(RecordOutcome.Skipped, 2);

        FluentActions.Invoking(() => outcomes[2]).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => outcomes[-1]).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void All_NegativeCount_ThrowsNamingTheCount() =>
        FluentActions.Invoking(() => RecordOutcomes.All(RecordOutcome.Written, -1))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("count");

    [Fact]
    public void All_EmptyBatch_IsEmpty() => RecordOutcomes.All(RecordOutcome.Written, 0).Should().BeEmpty();
}
