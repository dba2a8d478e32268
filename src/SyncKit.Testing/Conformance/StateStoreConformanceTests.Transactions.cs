using Xunit;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceTests
{
    /// <summary>
    /// The engine commits a batch's checkpoint, dead letters, dedup completions and audit entries in one
    /// transaction: none of it is visible before the commit, all of it after.
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_CommitAsync_MakesEveryWriteVisibleTogether()
    {
        await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, CancellationToken.None);
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            await WriteOneOfEachAsync(transaction);

            await AssertNothingWrittenAsync();

            await transaction.CommitAsync(CancellationToken.None);
        }

        AssertSameCursor(At(10), await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
        Assert.Equal(["dead"], (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None)).Select(e => e.RecordKey));
        Assert.Equal(["effect"], await Store.Dedup.GetCompletedAsync(Scope, ["effect"], CancellationToken.None));
        Assert.Equal(["run-1"], (await Store.Runs.GetAuditAsync(JobA, "written", CancellationToken.None)).Select(a => a.RunId));
    }

    /// <summary>A transaction disposed without a commit (a crash, a failed write) leaves nothing behind.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_DisposeAsync_WithoutCommit_RollsEverythingBack()
    {
        await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, CancellationToken.None);
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            await WriteOneOfEachAsync(transaction);
        }

        await AssertNothingWrittenAsync();
    }

    /// <summary>A transaction that rolls back leaves the state it started from: older values are not lost.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_DisposeAsync_WithoutCommit_KeepsThePreviousValues()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), CancellationToken.None);
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "dead")], CancellationToken.None);
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(JobA, At(2), CancellationToken.None);
            await transaction.DeadLetters.UpdateAsync([NewDeadLetter(JobA, "dead") with { Attempts = 9 }], CancellationToken.None);
            await transaction.DeadLetters.RemoveAsync(JobA, [DeadLetterId.Of(NewDeadLetter(JobA, "dead"))], CancellationToken.None);
            await transaction.Checkpoints.DeleteAsync(JobA, CancellationToken.None);
        }

        AssertSameCursor(At(1), await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
        Assert.Equal([NewDeadLetter(JobA, "dead")], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None));
    }

    /// <summary>
    /// A reservation is a hold, not data: made through a transaction that then rolls back, it still stops
    /// others until it expires, and the next holder learns the effect may have happened (guarantee 5).
    /// </summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_ReserveThenRollBack_TheHoldSurvivesAndExpiresAsReacquired()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            Assert.Equal(DedupStatus.Acquired, Assert.Single(await transaction.Dedup.ReserveAsync(Scope, ["effect"], Hold, CancellationToken.None)).Status);
        }

        Assert.Equal(DedupStatus.HeldElsewhere, Assert.Single(await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, CancellationToken.None)).Status);
        Time.Advance(Hold);
        Assert.Equal(DedupStatus.Reacquired, Assert.Single(await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, CancellationToken.None)).Status);
    }

    /// <summary>A store that is a database hands destinations an open transaction to write in.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_DbTransaction_WhenPresent_HasAnOpenConnection()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            if (transaction.DbTransaction is { } dbTransaction)
            {
                Assert.NotNull(dbTransaction.Connection);
                Assert.Equal(System.Data.ConnectionState.Open, dbTransaction.Connection.State);
            }
        }
    }

    /// <summary>A committed transaction cannot be committed twice.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_CommitAsync_Twice_Throws()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, CancellationToken.None);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(JobA, At(1), CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);

            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => transaction.CommitAsync(CancellationToken.None).AsTask());
        }
    }

    /// <summary>Concurrent workers committing transactions for different jobs all land, none lost or mixed up.</summary>
    /// <returns>The test.</returns>
    [Fact]
    public async Task Transaction_ConcurrentWorkers_EveryCommitLands()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => new JobId("tenant-" + i, "invoices")).ToList();

        await Task.WhenAll(jobs.Select(job => Task.Run(async () =>
        {
            for (var second = 1; second <= 15; second++)
            {
                var current = second;
                await CommitAsync(job, async transaction =>
                {
                    await transaction.DeadLetters.AddAsync([NewDeadLetter(job, "k" + current)], CancellationToken.None);
                    await transaction.Checkpoints.SaveAsync(job, At(current), CancellationToken.None);
                });
            }
        })));

        foreach (var job in jobs)
        {
            AssertSameCursor(At(15), await Store.Checkpoints.GetAsync(job, CancellationToken.None));
            Assert.Equal(15, await Store.DeadLetters.CountAsync(job, CancellationToken.None));
        }
    }

    private static async Task WriteOneOfEachAsync(IStateTransaction transaction)
    {
        await transaction.Checkpoints.SaveAsync(JobA, At(10), CancellationToken.None);
        await transaction.DeadLetters.AddAsync([NewDeadLetter(JobA, "dead")], CancellationToken.None);
        await transaction.Dedup.CompleteAsync(Scope, ["effect"], CancellationToken.None);
        await transaction.Runs.AppendAuditAsync([new AuditEntry("run-1", JobA, "written", At(10), AuditActions.Written, T0)], CancellationToken.None);
    }

    private async Task AssertNothingWrittenAsync()
    {
        Assert.Null(await Store.Checkpoints.GetAsync(JobA, CancellationToken.None));
        Assert.Empty(await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), CancellationToken.None));
        Assert.Equal(0, await Store.DeadLetters.CountAsync(JobA, CancellationToken.None));
        Assert.Empty(await Store.Dedup.GetCompletedAsync(Scope, ["effect"], CancellationToken.None));
        Assert.Empty(await Store.Runs.GetAuditAsync(JobA, "written", CancellationToken.None));
    }
}
