using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite;

/// <summary>
/// Tells SQLite's errors that no retry can mend — a damaged database, a full disk, a read-only file — from passing
/// ones, as a <see cref="StoreFailureException"/> whose message says what an operator can do. A destination that
/// writes in the SQLite store's transactions throws what this returns, so the engine stops the job instead of
/// retrying, or dead-lettering into the same broken file.
/// </summary>
public static class SqliteStoreFailures
{
    /// <summary>The store failure a SQLite error in <paramref name="exception"/>'s chain stands for, if it is one.</summary>
    /// <param name="exception">A failure.</param>
    /// <returns>The store failure, or <see langword="null"/> when the failure is not one.</returns>
    public static StoreFailureException? From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return StoreFailureException.Find<SqliteException>(exception, Translate);
    }

    private static StoreFailureException? Translate(SqliteException error) =>
        KindOf(error.SqliteErrorCode) is { } kind ? new StoreFailureException(kind, MessageOf(kind, error), error) : null;

    // SQLITE_READONLY 8, SQLITE_CORRUPT 11, SQLITE_FULL 13, SQLITE_NOTADB 26 (primary codes).
    private static StoreFailureKind? KindOf(int code) => code switch
    {
        11 or 26 => StoreFailureKind.Corrupt,
        13 => StoreFailureKind.Full,
        8 => StoreFailureKind.ReadOnly,
        _ => null,
    };

    private static string MessageOf(StoreFailureKind kind, SqliteException error) => kind switch
    {
        StoreFailureKind.Corrupt => $"The SQLite database is damaged (SQLite error {error.SqliteErrorCode}: {error.Message}). Retrying cannot mend it: restore the file from a backup, or rebuild it with the sqlite3 shell's .recover command.",
        StoreFailureKind.Full => $"The disk under the SQLite database is full (SQLite error {error.SqliteErrorCode}: {error.Message}). Free space, then run again: nothing past the last commit was kept.",
        _ => $"The SQLite database takes no writes (SQLite error {error.SqliteErrorCode}: {error.Message}). Give the process write access to the file and its directory, then run again.",
    };
}
