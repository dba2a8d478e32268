using Xunit;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceTests
{
    /// <summary>
    /// A run purge deletes one batch of at most its limit, the longest-ended first, so a purge of years of history is a
    /// series of short writes; the last call deletes nothing.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_PurgeAsync_DeletesOneBatchAtMostTheLimitLongestEndedFirst()
    {
        foreach (var minutes in new[] { 40, 0, 30, 10, 20 })
        {
            await Store.Runs.SaveRunAsync(NewRun($"r{minutes}", JobA, minutes), CancellationToken.None);
        }

        var batches = new List<int>();
        var left = new List<IReadOnlyList<string>>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Runs.PurgeAsync(T0.AddHours(1), 2, CancellationToken.None);
            batches.Add(deleted);
            left.Add((await Store.Runs.QueryRunsAsync(new RunQuery(), CancellationToken.None)).Select(r => r.RunId).Order(StringComparer.Ordinal).ToList());
        }

        Assert.Equal([2, 2, 1, 0], batches);
        Assert.Equal(["r20", "r30", "r40"], left[0]);
        Assert.Equal(["r40"], left[1]);
        Assert.Empty(left[2]);
    }

    /// <summary>
    /// An audit purge deletes the entries recorded before its limit, oldest appended first and at most its limit at a
    /// time, and keeps their runs and the younger entries; a run's trail read page by page across a purge skips nothing
    /// that is left.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Runs_PurgeAuditAsync_DeletesOldEntriesInBatchesAndKeepsTheirRuns()
    {
        var run = NewRun("r", JobA, 0);
        await Store.Runs.SaveRunAsync(run, CancellationToken.None);
        await Store.Runs.AppendAuditAsync(
            [.. Enumerable.Range(0, 5).Select(i => new AuditEntry("r", JobA, $"k{i}", At(i), AuditActions.Written, T0.AddHours(i)))],
            CancellationToken.None);
        var first = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r") { Limit = 3 }, CancellationToken.None);

        var batches = new List<int>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Runs.PurgeAuditAsync(T0.AddHours(2.5), 2, CancellationToken.None);
            batches.Add(deleted);
        }

        Assert.Equal([2, 1, 0], batches);
        Assert.NotNull(await Store.Runs.GetRunAsync("r", CancellationToken.None));
        var rest = await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r") { After = first.Next, Limit = 3 }, CancellationToken.None);
        Assert.Equal(["k3", "k4"], rest.Entries.Select(e => e.RecordKey));
        Assert.Equal(["k3", "k4"], (await Store.Runs.GetRunAuditAsync(new RunAuditQuery("r"), CancellationToken.None)).Entries.Select(e => e.RecordKey));
    }

    /// <summary>A dedup purge deletes at most its limit at a time, and a key it deleted can be acquired again.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Dedup_PurgeAsync_DeletesOneBatchAtMostTheLimit()
    {
        await Store.Dedup.CompleteAsync(Scope, ["a", "b", "c"], CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(2));

        var batches = new List<int>();
        for (var deleted = -1; deleted != 0;)
        {
            deleted = await Store.Dedup.PurgeAsync(T0.AddDays(1), 2, CancellationToken.None);
            batches.Add(deleted);
        }

        Assert.Equal([2, 1, 0], batches);
        var reservations = await Store.Dedup.ReserveAsync(Scope, ["a", "b", "c"], Hold, CancellationToken.None);
        Assert.All(reservations, r => Assert.Equal(DedupStatus.Acquired, r.Status));
    }
}
