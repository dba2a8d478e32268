namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// Derives a job's lag over time from its run history, the way <see cref="SyncHealthMonitor"/> judges lag now: at each
/// regular run's end, the lag is the end minus the later of the checkpoint it left and the start of the latest
/// successful run, so a quiet source is not lagging. No store keeps lag samples; run history is enough.
/// </summary>
internal static class LagHistory
{
    /// <summary>Computes the points.</summary>
    /// <param name="runs">The job's regular runs, in any order.</param>
    /// <returns>One point per ended run, oldest first.</returns>
    public static IReadOnlyList<LagPoint> From(IEnumerable<RunRecord> runs)
    {
        var points = new List<LagPoint>();
        DateTimeOffset? lastSuccessStart = null;
        Cursor? checkpoint = null;
        foreach (var run in runs.Where(r => r.EndedAt is not null).OrderBy(r => r.EndedAt))
        {
            if (run.Outcome is RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters)
            {
                lastSuccessStart = Later(lastSuccessStart, run.StartedAt);
            }

            checkpoint = run.CursorTo ?? checkpoint;
            var freshAsOf = Later(checkpoint?.Timestamp, lastSuccessStart);
            if (freshAsOf is { } fresh)
            {
                var lag = run.EndedAt!.Value - fresh;
                points.Add(new LagPoint(run.EndedAt.Value, Math.Max(0, lag.TotalSeconds), run.RunId, run.Outcome));
            }
        }

        return points;
    }

    private static DateTimeOffset? Later(DateTimeOffset? left, DateTimeOffset? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;
}
