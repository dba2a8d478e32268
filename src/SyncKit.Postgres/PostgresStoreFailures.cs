using Npgsql;

namespace SyncKit.Postgres;

/// <summary>
/// Tells PostgreSQL's errors that no retry can mend — damaged data or indexes, a full disk, a read-only transaction
/// (a standby, or <c>default_transaction_read_only</c>) — from passing ones, as a <see cref="StoreFailureException"/>
/// whose message says what an operator can do. A destination that writes in the PostgreSQL store's transactions
/// throws what this returns, so the engine stops the job instead of retrying, or dead-lettering into the same database.
/// </summary>
public static class PostgresStoreFailures
{
    /// <summary>The store failure a PostgreSQL error in <paramref name="exception"/>'s chain stands for, if it is one.</summary>
    /// <param name="exception">A failure.</param>
    /// <returns>The store failure, or <see langword="null"/> when the failure is not one.</returns>
    public static StoreFailureException? From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return StoreFailureException.Find<PostgresException>(exception, Translate);
    }

    private static StoreFailureException? Translate(PostgresException error) =>
        KindOf(error.SqlState) is { } kind ? new StoreFailureException(kind, MessageOf(kind, error), error) : null;

    // data_corrupted XX001, index_corrupted XX002, disk_full 53100, read_only_sql_transaction 25006.
    private static StoreFailureKind? KindOf(string sqlState) => sqlState switch
    {
        "XX001" or "XX002" => StoreFailureKind.Corrupt,
        "53100" => StoreFailureKind.Full,
        "25006" => StoreFailureKind.ReadOnly,
        _ => null,
    };

    private static string MessageOf(StoreFailureKind kind, PostgresException error) => kind switch
    {
        StoreFailureKind.Corrupt => $"The PostgreSQL database is damaged ({error.SqlState}: {error.MessageText}). Retrying cannot mend it: restore from a backup, or rebuild the damaged index or table.",
        StoreFailureKind.Full => $"The disk under the PostgreSQL database is full ({error.SqlState}: {error.MessageText}). Free space, then run again: nothing past the last commit was kept.",
        _ => $"The PostgreSQL database takes no writes ({error.SqlState}: {error.MessageText}): it is a standby, or read-only by setting. Point the store at the primary, then run again.",
    };
}
