using Microsoft.AspNetCore.Http;

namespace SyncKit.AspNetCore.Internal;

/// <summary>Names who performs an action, for run history.</summary>
internal static class Actor
{
    /// <summary>The authenticated user's name, else <c>anonymous@</c> and the remote address (only local requests get that far without a policy).</summary>
    public static string Of(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? name
            : $"anonymous@{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";
}
