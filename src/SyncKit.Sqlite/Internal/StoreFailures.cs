using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// Where the store's own statements run: a SQLite error no retry can mend (a damaged file, a full disk, a read-only
/// database) leaves as a <see cref="StoreFailureException"/>, so the engine stops the job instead of retrying writes
/// to <c>synckit_*</c> tables as if the error would pass.
/// </summary>
internal static class StoreFailures
{
    public static void Commit(StoreConnection connection) =>
        Run(connection, 0, static (connection, _) =>
        {
            connection.Commit();
            return 0;
        });

    public static TResult Run<TState, TResult>(StoreConnection connection, TState state, Func<StoreConnection, TState, TResult> statements)
    {
        try
        {
            return statements(connection, state);
        }
        catch (SqliteException error) when (SqliteStoreFailures.From(error) is { } failure)
        {
            throw failure;
        }
    }
}
