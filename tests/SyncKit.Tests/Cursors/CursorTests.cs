using System.Globalization;
using CsCheck;

namespace SyncKit.Tests.Cursors;

public sealed class CursorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Ids mixing every shape the comparer distinguishes: empty, numeric (with leading zeros), text, and text that starts with digits.</summary>
    private static readonly Gen<string> Ids = Gen.OneOf(
        Gen.Const(string.Empty),
        Gen.Int[0, 120].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Int[0, 120].Select(i => i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String[Gen.Char["019ab-"], 1, 4]);

    private static readonly Gen<Cursor> Cursors = Gen.Select(
        Gen.Int[-1, 3],
        Ids,
        Gen.OneOf(Gen.Const((string?)null), Gen.String[Gen.Char["0129"], 0, 2].Select(s => (string?)s)),
        (second, id, progress) => new Cursor(second < 0 ? null : T0.AddSeconds(second), id, progress));

    [Theory]
    [InlineData("9", "10")]
    [InlineData("99", "100")]
    [InlineData("2", "18446744073709551616")]
    [InlineData("007", "8")]
    [InlineData("a", "b")]
    [InlineData("INV-10", "INV-9")]
    [InlineData("", "0")]
    [InlineData("", "a")]
    public void CompareIds_OrdersNumericIdsByValueAndOthersOrdinally(string smaller, string larger)
    {
        Cursor.CompareIds(smaller, larger).Should().BeNegative();
        Cursor.CompareIds(larger, smaller).Should().BePositive();
    }

    [Fact]
    public void CompareIds_NumericIdsBeforeTextIds_SoMixedIdsStillFormOneOrder()
    {
        // "2" < "10" numerically; an ordinal comparison of "10" and "1a" and of "1a" and "2" would close a cycle.
        string[] ids = ["1a", "10", "2"];

        ids.Order(Comparer<string>.Create(Cursor.CompareIds)).Should().Equal("2", "10", "1a");
    }

    [Fact]
    public void CompareIds_SameNumberWithLeadingZeros_AreDistinctAndOrdered()
    {
        Cursor.CompareIds("007", "7").Should().BeNegative("distinct ids must never compare equal, or one of them is skipped");
        Cursor.CompareIds("7", "007").Should().BePositive();
        Cursor.CompareIds("7", "7").Should().Be(0);
    }

    [Fact]
    public void CompareTo_TimestampTies_AreOrderedById()
    {
        Cursor.At(T0, "2").Should().BeLessThan(Cursor.At(T0, "10"));
        Cursor.At(T0, "999").Should().BeLessThan(Cursor.At(T0.AddTicks(1), "1"), "the timestamp decides before the id");
    }

    [Fact]
    public void CompareTo_NullTimestamp_SortsBeforeEveryTimestamp()
    {
        var sequence = new Cursor(null, "999999");

        sequence.Should().BeLessThan(Cursor.At(DateTimeOffset.MinValue, "0"));
        Cursor.FromSequence(9).Should().BeLessThan(Cursor.FromSequence(10));
    }

    [Fact]
    public void CompareTo_Progress_OrdersInsideOnePositionAfterThePositionItself()
    {
        var window = Cursor.At(T0, "w");

        window.Should().BeLessThan(window with { Progress = "0" });
        (window with { Progress = "1" }).Should().BeLessThan(window with { Progress = "2" });
        window.CompareTo(null).Should().BePositive();
    }

    [Fact]
    public void CompareTo_IsATotalOrderConsistentWithEquality()
    {
        Gen.Select(Cursors, Cursors, Cursors).Sample((a, b, c) =>
        {
            Math.Sign(a.CompareTo(b)).Should().Be(-Math.Sign(b.CompareTo(a)), "the order is antisymmetric");
            (a.CompareTo(b) == 0).Should().Be(a.Equals(b), "only equal cursors compare equal");
            if (a.CompareTo(b) <= 0 && b.CompareTo(c) <= 0)
            {
                a.CompareTo(c).Should().BeLessThanOrEqualTo(0, "the order is transitive");
            }
        }, iter: 20_000, print: t => $"{t.Item1} | {t.Item2} | {t.Item3}");
    }

    [Fact]
    public void Rewind_ByLookback_StartsBeforeEveryRecordAtTheRewoundInstant()
    {
        var checkpoint = Cursor.At(T0.AddMinutes(10), "42");

        var start = checkpoint.Rewind(TimeSpan.FromMinutes(5));

        start.Should().BeLessThan(Cursor.At(T0.AddMinutes(5), "0"), "records stamped exactly at the rewound instant are re-read");
        start.Should().BeLessThan(Cursor.At(T0.AddMinutes(5), "a"));
        start.Should().BeLessThan(Cursor.At(T0.AddMinutes(5).AddMilliseconds(-999), "0"), "a source that rounds times to the second still re-reads the instant");
        start.Should().BeGreaterThan(Cursor.At(T0.AddMinutes(5).AddSeconds(-2), "zzz"), "nothing much older than the lookback is re-read");
    }

    [Fact]
    public void Rewind_ByLookback_KeepsTheIdSoASourceParsesItLikeAnyPosition()
    {
        var checkpoint = Cursor.At(T0.AddMinutes(10), "42");

        var start = checkpoint.Rewind(TimeSpan.FromMinutes(5));

        start.Id.Should().Be("42");
        long.Parse(start.Id, CultureInfo.InvariantCulture).Should().Be(42);
        start.Progress.Should().BeNull();
    }

    [Fact]
    public void Rewind_ZeroLookbackNoTimestampOrAWindowPosition_ReturnsTheSameCursor()
    {
        var checkpoint = Cursor.At(T0, "42");
        var sequence = Cursor.FromSequence(42);
        var insideWindow = Cursor.At(T0, "window") with { Progress = "7" };

        checkpoint.Rewind(TimeSpan.Zero).Should().BeSameAs(checkpoint);
        sequence.Rewind(TimeSpan.FromHours(1)).Should().BeSameAs(sequence, "a position without time has no lookback");
        insideWindow.Rewind(TimeSpan.FromHours(1)).Should().BeSameAs(insideWindow, "the source opened the window with the lookback applied");
    }

    [Fact]
    public void Rewind_NegativeLookback_Throws()
    {
        var act = () => Cursor.At(T0, "1").Rewind(TimeSpan.FromTicks(-1));

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Rewind_NeverMovesForward()
    {
        Gen.Select(Cursors, Gen.Long[0, TimeSpan.TicksPerDay]).Sample((cursor, ticks) =>
            cursor.Rewind(TimeSpan.FromTicks(ticks)).CompareTo(cursor) <= 0);
    }
}
