namespace SyncKit.State.Internal;

/// <summary>Reads one job's health inputs through the store's ordinary per-job reads: the fallback for stores without a set-based read.</summary>
internal static class PerJobHealthInputs
{
    public static async ValueTask<JobHealthInputs> ReadAsync(ISyncStateStore store, JobId job, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        var runs = RunQuery.ForJob(job) with { Kind = RunKind.Sync };
        var succeeded = await LatestAsync(store, runs with { Outcome = RunOutcome.Succeeded }, cancellationToken).ConfigureAwait(false);
        var withDeadLetters = await LatestAsync(store, runs with { Outcome = RunOutcome.CompletedWithDeadLetters }, cancellationToken).ConfigureAwait(false);
        var parked = await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(job) with { Status = DeadLetterStatus.Parked, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return new JobHealthInputs(job)
        {
            Checkpoint = await store.Checkpoints.GetAsync(job, cancellationToken).ConfigureAwait(false),
            LatestSync = await LatestAsync(store, runs, cancellationToken).ConfigureAwait(false),
            LatestSuccess = Newer(succeeded, withDeadLetters),
            LatestIncrementalReconciliation = await LatestAsync(store, runs with { Kind = RunKind.IncrementalReconciliation }, cancellationToken).ConfigureAwait(false),
            LatestFullReconciliation = await LatestAsync(store, runs with { Kind = RunKind.FullReconciliation }, cancellationToken).ConfigureAwait(false),
            WindowCounts = await store.Runs.SumCountsByKindAsync(RunQuery.ForJob(job) with { StartedFrom = windowStart }, cancellationToken).ConfigureAwait(false),
            DeadLetters = await store.DeadLetters.CountAsync(job, cancellationToken).ConfigureAwait(false),
            HasParkedDeadLetters = parked.Count > 0,
        };
    }

    /// <summary>The later run in the order the run history lists runs: start time, then run id.</summary>
    public static RunSummary? Newer(RunSummary? left, RunSummary? right)
    {
        if (left is null || right is null)
        {
            return left ?? right;
        }

        var order = left.StartedAt.CompareTo(right.StartedAt);
        return order > 0 || (order == 0 && string.CompareOrdinal(left.RunId, right.RunId) > 0) ? left : right;
    }

    private static async ValueTask<RunSummary?> LatestAsync(ISyncStateStore store, RunQuery query, CancellationToken cancellationToken)
    {
        var runs = await store.Runs.QueryRunsAsync(query with { Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return runs.Count > 0 ? RunSummary.Of(runs[0]) : null;
    }
}
