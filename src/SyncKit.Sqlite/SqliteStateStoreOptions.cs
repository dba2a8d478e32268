using System.ComponentModel.DataAnnotations;

namespace SyncKit.Sqlite;

/// <summary>Where the SQLite state store keeps its file, and how hard it works to keep commits on disk.</summary>
public sealed class SqliteStateStoreOptions
{
    /// <summary>
    /// The database: a file path (<c>state/synckit.db</c>) or a Microsoft.Data.Sqlite connection string
    /// (<c>Data Source=state/synckit.db</c>); a value containing <c>=</c> is read as a connection string.
    /// The file and its directory are created when missing. A relative path is resolved against the host's content
    /// root (<c>IHostEnvironment.ContentRootPath</c>) when the store is registered with <c>UseSqlite</c>, which services
    /// (systemd, Windows services) set to the app's folder; against the current directory when the store is created
    /// directly.
    /// </summary>
    /// <value>No default: it must be set.</value>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>How durable each commit is.</summary>
    /// <value>Default <see cref="SqliteDurability.Full"/>.</value>
    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// How long a write waits for the database's write lock, held by another transaction of this store or
    /// by another process using the same file, before it fails.
    /// </summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>How durable a commit is (SQLite's <c>synchronous</c> setting; the store always runs in WAL mode).</summary>
public enum SqliteDurability
{
    /// <summary>
    /// <c>synchronous=FULL</c>: every commit is flushed to disk before it returns, so a committed checkpoint
    /// survives a process crash and a power loss.
    /// </summary>
    Full,

    /// <summary>
    /// <c>synchronous=NORMAL</c>: commits survive a process crash, but a power loss or operating-system crash
    /// can roll back the last commits (never corrupt the file). Destination writes in the same file roll back
    /// with their checkpoint, so nothing is lost: the records are read again. Faster, for hosts whose
    /// destination is in the same file or idempotent.
    /// </summary>
    Normal,
}
