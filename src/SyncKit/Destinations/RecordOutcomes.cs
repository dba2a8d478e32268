using SyncKit.Destinations.Internal;

namespace SyncKit;

/// <summary>Outcome lists a destination can return without building one outcome per record.</summary>
public static class RecordOutcomes
{
    /// <summary>
    /// The same outcome for every record of a batch, in one small object instead of an array: the usual
    /// answer of a destination whose whole batch was written.
    /// </summary>
    /// <param name="outcome">The outcome of each record, e.g. <see cref="RecordOutcome.Written"/>.</param>
    /// <param name="count">How many records the batch holds (<c>batch.Records.Count</c>).</param>
    /// <returns>A read-only list of <paramref name="count"/> copies of <paramref name="outcome"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <example>
    /// Build an array only once a record differs:
    /// <code>
    /// RecordOutcome[]? outcomes = null;
    /// for (var i = 0; i &lt; batch.Records.Count; i++)
    /// {
    ///     if (!TryUpsert(batch.Records[i]))
    ///     {
    ///         outcomes ??= [.. RecordOutcomes.All(RecordOutcome.Written, batch.Records.Count)];
    ///         outcomes[i] = RecordOutcome.Skipped;
    ///     }
    /// }
    ///
    /// return outcomes ?? RecordOutcomes.All(RecordOutcome.Written, batch.Records.Count);
    /// </code>
    /// </example>
    public static IReadOnlyList<RecordOutcome> All(RecordOutcome outcome, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new UniformOutcomes(outcome, count);
    }
}
