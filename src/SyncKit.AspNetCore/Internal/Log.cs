using Microsoft.Extensions.Logging;

namespace SyncKit.AspNetCore.Internal;

/// <summary>The dashboard's log messages. Event ids: 7xxx.</summary>
internal static partial class Log
{
    [LoggerMessage(7001, LogLevel.Warning, "SyncKit dashboard refused {Method} {Path} from {RemoteAddress}: only local requests are served unless an authorization policy is set (RequireAuthorization)")]
    public static partial void NonLocalRefused(ILogger logger, string method, string path, string? remoteAddress);

    [LoggerMessage(7002, LogLevel.Warning, "SyncKit dashboard refused {Method} {Path} from {Actor}: {Reason}")]
    public static partial void AntiforgeryRefused(ILogger logger, string method, string path, string actor, string reason);

    [LoggerMessage(7003, LogLevel.Information, "{Actor} replayed {Tenant}/{Stream} over [{From}, {To}) as a dry run at {At}: {Operations} operation(s) would run")]
    public static partial void Replayed(ILogger logger, string actor, string tenant, string stream, DateTimeOffset from, DateTimeOffset to, int operations, DateTimeOffset at);

    [LoggerMessage(7004, LogLevel.Information, "{Actor} ran a {Pass} pass of {Tenant}/{Stream} now with correction {Correction}: run {RunId} ended {Outcome}")]
    public static partial void ReconciledNow(ILogger logger, string actor, string tenant, string stream, RunKind pass, CorrectionMode correction, string runId, RunOutcome outcome);

    [LoggerMessage(7005, LogLevel.Warning, "SyncKit dashboard refused {Method} {Path} addressed to {Host}: without an authorization policy only requests addressed to a loopback name or address are served")]
    public static partial void NonLoopbackHostRefused(ILogger logger, string method, string path, string? host);

    [LoggerMessage(7006, LogLevel.Warning, "SyncKit dashboard refused {Method} {Path} from another site: {Reason}")]
    public static partial void CrossOriginRefused(ILogger logger, string method, string path, string reason);
}
