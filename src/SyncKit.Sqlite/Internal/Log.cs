using Microsoft.Extensions.Logging;

namespace SyncKit.Sqlite.Internal;

/// <summary>SyncKit.Sqlite's log messages. Event ids: 51xx opening and migrating, 52xx job locks.</summary>
internal static partial class Log
{
    [LoggerMessage(5101, LogLevel.Information, "Opened the SQLite state store {Path} (schema version {Version}, synchronous={Durability})")]
    public static partial void Opened(ILogger logger, string path, int version, SqliteDurability durability);

    [LoggerMessage(5102, LogLevel.Information, "Migrated the SQLite state store {Path} from schema version {From} to {To}")]
    public static partial void Migrated(ILogger logger, string path, int from, int to);

    [LoggerMessage(5201, LogLevel.Debug, "Took the lock of job {Tenant}/{Stream} in {LockFile}")]
    public static partial void JobLocked(ILogger logger, string tenant, string stream, string lockFile);

    [LoggerMessage(5202, LogLevel.Error, "Job {Tenant}/{Stream} is locked by another process through {LockFile}")]
    public static partial void JobLockRefused(ILogger logger, string tenant, string stream, string lockFile);
}
