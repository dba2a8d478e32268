using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> RetentionCases() =>
    [
        Case(nameof(Runs_PurgeAsync_DeletesOneBatchAtMostTheLimitLongestEndedFirst), k => k.Runs_PurgeAsync_DeletesOneBatchAtMostTheLimitLongestEndedFirst()),
        Case(nameof(Runs_PurgeAuditAsync_DeletesOldEntriesInBatchesAndKeepsTheirRuns), k => k.Runs_PurgeAuditAsync_DeletesOldEntriesInBatchesAndKeepsTheirRuns()),
        Case(nameof(Dedup_PurgeAsync_DeletesOneBatchAtMostTheLimit), k => k.Dedup_PurgeAsync_DeletesOneBatchAtMostTheLimit()),
    ];

    /// <summary>
    /// A run purge deletes one batch of at most its limit, the longest-ended first, so a purge of years of history is a
    /// series of short writes; the last call deletes nothing.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Runs_PurgeAsync_DeletesOneBatchAtMostTheLimitLongestEndedFirst()
    {
        foreach (var minutes in new[] { 40, 0, 30, 10, 20 })
        {
            await Store.Runs.SaveRunAsync(NewRun($"r{minutes}", JobA, minutes), Cancellation);
        }

        var batches = new List<int>();
        var left = new List<IReadOnlyList<string>>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Runs.PurgeAsync(T0.AddHours(1), 2, Cancellation);
            batches.Add(deleted);
            left.Add((await Store.Runs.QueryRunsAsync(new RunQuery(), Cancellation)).Select(r => r.RunId).Order(StringComparer.Ordinal).ToList());
        }

        Check.Equal([2, 2, 1, 0], batches);
        Check.Equal(["r20", "r30", "r40"], left[0]);
        Check.Equal(["r40"], left[1]);
        Check.Empty(left[2]);
    }

    /// <summary>
    /// An audit purge deletes the entries recorded before its limit, oldest appended first and at most its limit at a
    /// time, and keeps their runs and the younger entries; a run's trail read page by page across a purge skips nothing
    /// that is left.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Runs_PurgeAuditAsync_DeletesOldEntriesInBatchesAndKeepsTheirRuns()
    {
        var run = NewRun("r", JobA, 0);
        await Store.Runs.SaveRunAsync(run, Cancellation);
        await Store.Runs.AppendAuditAsync(
            [.. Enumerable.Range(0, 5).Select(i => new AuditEntry("r", JobA, $"k{i}", At(i), AuditActions.Written, T0.AddHours(i)))],
            Cancellation);
        var first = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r") { Limit = 3 }, Cancellation);

        var batches = new List<int>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Runs.PurgeAuditAsync(T0.AddHours(2.5), 2, Cancellation);
            batches.Add(deleted);
        }

        Check.Equal([2, 1, 0], batches);
        Check.NotNull(await Store.Runs.GetRunAsync("r", Cancellation));
        var rest = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r") { After = first.Next, Limit = 3 }, Cancellation);
        Check.Equal(["k3", "k4"], rest.Entries.Select(e => e.RecordKey));
        Check.Equal(["k3", "k4"], (await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r"), Cancellation)).Entries.Select(e => e.RecordKey));
    }

    /// <summary>A dedup purge deletes at most its limit at a time, and a key it deleted can be acquired again.</summary>
    /// <returns>The case.</returns>
    private async Task Dedup_PurgeAsync_DeletesOneBatchAtMostTheLimit()
    {
        await Store.Dedup.CompleteAsync(Scope, ["a", "b", "c"], Cancellation);
        Time.Advance(TimeSpan.FromDays(2));

        var batches = new List<int>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Dedup.PurgeAsync(T0.AddDays(1), 2, Cancellation);
            batches.Add(deleted);
        }

        Check.Equal([2, 1, 0], batches);
        var reservations = await Store.Dedup.ReserveAsync(Scope, ["a", "b", "c"], Hold, Cancellation);
        Check.All(reservations, r => Check.Equal(DedupStatus.Acquired, r.Status));
    }
}
