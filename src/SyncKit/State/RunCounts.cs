namespace SyncKit;

/// <summary>What a run counted.</summary>
/// <param name="Read">Records read from the source.</param>
/// <param name="Written">Records written.</param>
/// <param name="Skipped">Records skipped as stale.</param>
/// <param name="Deduplicated">Records whose effect had already happened.</param>
/// <param name="Retried">Retry attempts made (pages and records).</param>
/// <param name="DeadLettered">Records sent to the dead-letter queue.</param>
public sealed record RunCounts(long Read, long Written, long Skipped, long Deduplicated, long Retried, long DeadLettered)
{
    /// <summary>All zero.</summary>
    public static RunCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    internal static RunCounts Sum(RunCounts left, RunCounts right) => new(
        left.Read + right.Read,
        left.Written + right.Written,
        left.Skipped + right.Skipped,
        left.Deduplicated + right.Deduplicated,
        left.Retried + right.Retried,
        left.DeadLettered + right.DeadLettered);

    internal static IReadOnlyDictionary<RunKind, RunCounts> SumByKind(IEnumerable<RunRecord> runs)
    {
        var sums = new Dictionary<RunKind, RunCounts>();
        foreach (var run in runs)
        {
            sums[run.Kind] = sums.TryGetValue(run.Kind, out var sum) ? Sum(sum, run.Counts) : run.Counts;
        }

        return sums;
    }
}
