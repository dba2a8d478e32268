using System.Collections;

namespace SyncKit.Destinations.Internal;

/// <summary><see cref="Count"/> copies of one outcome, without storing them.</summary>
internal sealed class UniformOutcomes(RecordOutcome outcome, int count) : IReadOnlyList<RecordOutcome>
{
    /// <summary>The outcome every record has.</summary>
    public RecordOutcome Outcome { get; } = outcome;

    public int Count { get; } = count;

    public RecordOutcome this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return Outcome;
        }
    }

    public IEnumerator<RecordOutcome> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return Outcome;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
