namespace SyncKit.Sqlite.Internal;

/// <summary>Runs each statement set on a pooled connection; each write commits on its own.</summary>
internal sealed class AutoCommitSession(SqliteDatabase database) : ISqliteSession
{
    public TimeProvider Time => database.Time;

    public bool WritersWaiting => database.WritersWaiting;

    public async ValueTask CheckpointAsync(CancellationToken cancellationToken) =>
        await ReadAsync(0, static (connection, _) => connection.Command("PRAGMA wal_checkpoint(PASSIVE)").ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);

    public async ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        var connection = await database.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return StoreFailures.Run(connection, state, read);
        }
        finally
        {
            database.Return(connection);
        }
    }

    public async ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        var connection = await database.RentAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await database.CommitNowAsync(connection, state, write, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            database.Return(connection);
        }
    }

    public ValueTask<TResult> HoldAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken) =>
        WriteAsync(state, write, cancellationToken);
}
