namespace SyncKit.Sqlite.Internal;

/// <summary>
/// Where the store's statements run: on a pooled connection with each write committed on its own, or in an
/// open <see cref="SqliteStateTransaction"/>. The statements themselves live once, in <see cref="SqliteStateWriter"/>.
/// </summary>
internal interface ISqliteSession
{
    TimeProvider Time { get; }

    /// <summary>Whether another writer of this process waits for the write gate: a long write (a purge) ends early for it.</summary>
    bool WritersWaiting { get; }

    /// <summary>
    /// Copies the write-ahead log into the database without waiting for anyone (a passive checkpoint), after a write
    /// that dirtied many pages, so the next small commit does not pay for that copy; nothing inside a transaction.
    /// </summary>
    ValueTask CheckpointAsync(CancellationToken cancellationToken);

    /// <summary>Runs a read; it sees committed state (and, in a transaction, the transaction's own writes).</summary>
    ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> read, CancellationToken cancellationToken);

    /// <summary>Runs a write in the session's write transaction.</summary>
    ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a dedup reservation. A reservation is a hold, not data: it commits at once, so it outlives a
    /// transaction that rolls back (or a crash) and the next holder is told the effect may have happened.
    /// Only inside a transaction that has already written (and so holds the write lock) is it part of that transaction.
    /// </summary>
    ValueTask<TResult> HoldAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken);
}
