using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>The sample's log messages. Event ids: 100–199 connector.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Window {Window} of {Tenant}/{Stream} done after {Passes} pass(es) over {Items} item(s); the next opens at {Anchor}")]
    public static partial void WindowCompleted(ILogger logger, string tenant, string stream, long window, int passes, int items, DateTimeOffset? anchor);

    [LoggerMessage(101, LogLevel.Warning, "Window {Window} of {Tenant}/{Stream} still found rows that earlier passes skipped after {Passes} passes; closing it anyway (reconciliation finds what is left)")]
    public static partial void WindowNotSettled(ILogger logger, string tenant, string stream, long window, int passes);

    [LoggerMessage(102, LogLevel.Information, "Group {GroupId} of {Tenant} vanished while its members were read; it is left out of this window")]
    public static partial void GroupVanished(ILogger logger, string tenant, long groupId);
}
