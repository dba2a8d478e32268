using Microsoft.Extensions.Logging;

namespace SyncKit.Postgres.Internal;

/// <summary>SyncKit.Postgres's log messages. Event ids: 61xx startup and schema, 62xx leases.</summary>
internal static partial class Log
{
    [LoggerMessage(6101, LogLevel.Warning, "PostgreSQL at {Host}:{Port}, database {Database}, is not reachable (attempt {Attempt} of {Attempts}); retrying in {Delay}")]
    public static partial void ConnectRetrying(ILogger logger, Exception exception, string? host, int port, string? database, int attempt, int attempts, TimeSpan delay);

    [LoggerMessage(6102, LogLevel.Information, "Migrated SyncKit schema {Schema} from version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string schema, int from, int to);

    [LoggerMessage(6201, LogLevel.Debug, "Lease of {Tenant}/{Stream} granted to {Owner} with fencing token {FencingToken}")]
    public static partial void LeaseAcquired(ILogger logger, string tenant, string stream, string owner, long fencingToken);

    [LoggerMessage(6202, LogLevel.Warning, "Lease of {Tenant}/{Stream} (fencing token {FencingToken}) is no longer held by {Owner}; the job must stop here")]
    public static partial void LeaseLost(ILogger logger, string tenant, string stream, string owner, long fencingToken);

    [LoggerMessage(6203, LogLevel.Debug, "Lease of {Tenant}/{Stream} (fencing token {FencingToken}) released by {Owner}")]
    public static partial void LeaseReleased(ILogger logger, string tenant, string stream, string owner, long fencingToken);
}
