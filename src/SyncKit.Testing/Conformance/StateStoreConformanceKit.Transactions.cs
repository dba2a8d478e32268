using SyncKit.Testing.Conformance.Internal;

namespace SyncKit.Testing;

public abstract partial class StateStoreConformanceKit
{
    private static IEnumerable<(string Name, Func<StateStoreConformanceKit, Task> Run)> TransactionCases() =>
    [
        Case(nameof(Transaction_CommitAsync_MakesEveryWriteVisibleTogether), k => k.Transaction_CommitAsync_MakesEveryWriteVisibleTogether()),
        Case(nameof(Transaction_DisposeAsync_WithoutCommit_RollsEverythingBack), k => k.Transaction_DisposeAsync_WithoutCommit_RollsEverythingBack()),
        Case(nameof(Transaction_DisposeAsync_WithoutCommit_KeepsThePreviousValues), k => k.Transaction_DisposeAsync_WithoutCommit_KeepsThePreviousValues()),
        Case(nameof(Transaction_ReserveThenRollBack_TheHoldSurvivesAndExpiresAsReacquired), k => k.Transaction_ReserveThenRollBack_TheHoldSurvivesAndExpiresAsReacquired()),
        Case(nameof(Transaction_DbTransaction_WhenPresent_HasAnOpenConnection), k => k.Transaction_DbTransaction_WhenPresent_HasAnOpenConnection()),
        Case(nameof(Transaction_CommitAsync_Twice_Throws), k => k.Transaction_CommitAsync_Twice_Throws()),
        Case(nameof(Transaction_ConcurrentWorkers_EveryCommitLands), k => k.Transaction_ConcurrentWorkers_EveryCommitLands()),
    ];

    /// <summary>
    /// The engine commits a batch's checkpoint, dead letters, dedup completions and audit entries in one
    /// transaction: none of it is visible before the commit, all of it after.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Transaction_CommitAsync_MakesEveryWriteVisibleTogether()
    {
        await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, Cancellation);
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            await WriteOneOfEachAsync(transaction);

            await AssertNothingWrittenAsync();

            await transaction.CommitAsync(Cancellation);
        }

        AssertSameCursor(At(10), await Store.Checkpoints.GetAsync(JobA, Cancellation));
        Check.Equal(["dead"], (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation)).Select(e => e.RecordKey));
        Check.Equal(["effect"], await Store.Dedup.GetCompletedAsync(Scope, ["effect"], Cancellation));
        Check.Equal(["run-1"], (await Store.Runs.GetAuditAsync(JobA, "written", Cancellation)).Select(a => a.RunId));
    }

    /// <summary>A transaction disposed without a commit (a crash, a failed write) leaves nothing behind.</summary>
    /// <returns>The case.</returns>
    private async Task Transaction_DisposeAsync_WithoutCommit_RollsEverythingBack()
    {
        await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, Cancellation);
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            await WriteOneOfEachAsync(transaction);
        }

        await AssertNothingWrittenAsync();
    }

    /// <summary>A transaction that rolls back leaves the state it started from: older values are not lost.</summary>
    /// <returns>The case.</returns>
    private async Task Transaction_DisposeAsync_WithoutCommit_KeepsThePreviousValues()
    {
        await Store.Checkpoints.SaveAsync(JobA, At(1), Cancellation);
        await Store.DeadLetters.AddAsync([NewDeadLetter(JobA, "dead")], Cancellation);
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(JobA, At(2), Cancellation);
            await transaction.DeadLetters.UpdateAsync([NewDeadLetter(JobA, "dead") with { Attempts = 9 }], Cancellation);
            await transaction.DeadLetters.RemoveAsync(JobA, [DeadLetterId.Of(NewDeadLetter(JobA, "dead"))], Cancellation);
            await transaction.Checkpoints.DeleteAsync(JobA, Cancellation);
        }

        AssertSameCursor(At(1), await Store.Checkpoints.GetAsync(JobA, Cancellation));
        Check.Equal([NewDeadLetter(JobA, "dead")], await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
    }

    /// <summary>
    /// A reservation is a hold, not data: made through a transaction that then rolls back, it still stops
    /// others until it expires, and the next holder learns the effect may have happened (guarantee 5).
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Transaction_ReserveThenRollBack_TheHoldSurvivesAndExpiresAsReacquired()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            Check.Equal(DedupStatus.Acquired, Check.Single(await transaction.Dedup.ReserveAsync(Scope, ["effect"], Hold, Cancellation)).Status);
        }

        Check.Equal(DedupStatus.HeldElsewhere, Check.Single(await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, Cancellation)).Status);
        Time.Advance(Hold);
        Check.Equal(DedupStatus.Reacquired, Check.Single(await Store.Dedup.ReserveAsync(Scope, ["effect"], Hold, Cancellation)).Status);
    }

    /// <summary>
    /// A store that is a database hands destinations an open transaction to write in; one that is not hands none. The
    /// store's kind is what <see cref="HasDbTransaction"/> declares, so the case checks one or the other, never nothing.
    /// </summary>
    /// <returns>The case.</returns>
    private async Task Transaction_DbTransaction_WhenPresent_HasAnOpenConnection()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            var dbTransaction = transaction.DbTransaction;
            if (!HasDbTransaction)
            {
                Check.True(
                    dbTransaction is null,
                    $"The store's transaction hands destinations a {dbTransaction?.GetType().Name}, but {nameof(HasDbTransaction)} is false: " +
                    $"override {nameof(HasDbTransaction)} to return true, so that this case checks its connection is open.");
                return;
            }

            Check.True(
                dbTransaction is not null,
                $"{nameof(HasDbTransaction)} is true, but the store's transaction has no {nameof(IStateTransaction.DbTransaction)} for a destination " +
                $"in the same database to write through: return the open database transaction, or override {nameof(HasDbTransaction)} to return false if the store is not a database.");
            var connection = Check.NotNull(dbTransaction!.Connection, "the connection of the store transaction's DbTransaction");
            Check.Equal(System.Data.ConnectionState.Open, connection.State, "the state of the store transaction's DbTransaction connection");
        }
    }

    /// <summary>A committed transaction cannot be committed twice.</summary>
    /// <returns>The case.</returns>
    private async Task Transaction_CommitAsync_Twice_Throws()
    {
        var transaction = await Store.BeginTransactionAsync(JobA, Cancellation);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(JobA, At(1), Cancellation);
            await transaction.CommitAsync(Cancellation);

            await Check.ThrowsAsync<InvalidOperationException>(() => transaction.CommitAsync(Cancellation).AsTask());
        }
    }

    /// <summary>Concurrent workers committing transactions for different jobs all land, none lost or mixed up.</summary>
    /// <returns>The case.</returns>
    private async Task Transaction_ConcurrentWorkers_EveryCommitLands()
    {
        var jobs = Enumerable.Range(0, 6).Select(i => new JobId("tenant-" + i, "invoices")).ToList();

        await Task.WhenAll(jobs.Select(job => Task.Run(async () =>
        {
            for (var second = 1; second <= 15; second++)
            {
                var current = second;
                await CommitAsync(job, async transaction =>
                {
                    await transaction.DeadLetters.AddAsync([NewDeadLetter(job, "k" + current)], Cancellation);
                    await transaction.Checkpoints.SaveAsync(job, At(current), Cancellation);
                });
            }
        })));

        foreach (var job in jobs)
        {
            AssertSameCursor(At(15), await Store.Checkpoints.GetAsync(job, Cancellation));
            Check.Equal(15, await Store.DeadLetters.CountAsync(job, Cancellation));
        }
    }

    private async Task WriteOneOfEachAsync(IStateTransaction transaction)
    {
        await transaction.Checkpoints.SaveAsync(JobA, At(10), Cancellation);
        await transaction.DeadLetters.AddAsync([NewDeadLetter(JobA, "dead")], Cancellation);
        await transaction.Dedup.CompleteAsync(Scope, ["effect"], Cancellation);
        await transaction.Runs.AppendAuditAsync([new AuditEntry("run-1", JobA, "written", At(10), AuditActions.Written, T0)], Cancellation);
    }

    private async Task AssertNothingWrittenAsync()
    {
        Check.Null(await Store.Checkpoints.GetAsync(JobA, Cancellation));
        Check.Empty(await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(JobA), Cancellation));
        Check.Equal(0, await Store.DeadLetters.CountAsync(JobA, Cancellation));
        Check.Empty(await Store.Dedup.GetCompletedAsync(Scope, ["effect"], Cancellation));
        Check.Empty(await Store.Runs.GetAuditAsync(JobA, "written", Cancellation));
    }
}
