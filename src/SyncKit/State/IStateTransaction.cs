using System.Data.Common;

namespace SyncKit;

/// <summary>An open state transaction. Disposing it without <see cref="CommitAsync"/> rolls everything back.</summary>
public interface IStateTransaction : IAsyncDisposable
{
    /// <summary>Checkpoint writes inside the transaction.</summary>
    ICheckpointStore Checkpoints { get; }

    /// <summary>Dedup writes inside the transaction.</summary>
    IDedupStore Dedup { get; }

    /// <summary>Dead-letter writes inside the transaction.</summary>
    IDeadLetterStore DeadLetters { get; }

    /// <summary>Audit writes inside the transaction.</summary>
    IRunHistoryStore Runs { get; }

    /// <summary>
    /// The database transaction a destination in the same database writes through
    /// (its <see cref="DbTransaction.Connection"/> is open); <see langword="null"/> for stores that are not databases.
    /// </summary>
    DbTransaction? DbTransaction { get; }

    /// <summary>
    /// Waits, without blocking a thread, for whatever the store must take before <see cref="DbTransaction"/> can be used
    /// (SQLite's write lock), so that reading it afterwards never blocks. The engine awaits it before it hands the
    /// transaction to a destination that <see cref="IDestination{T}.WritesInStateTransaction">writes in it</see>.
    /// Dedup reservations made before the destination's first write still commit at once, as holds.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when <see cref="DbTransaction"/> is ready to use.</returns>
    ValueTask PrepareDbTransactionAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Commits everything written in the transaction.</summary>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <returns>A task that completes when the commit is durable.</returns>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}
