using System.Net;
using Microsoft.AspNetCore.Http;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// Where a request says it is addressed to and where a browser says it comes from. A page whose name an attacker
/// re-points at 127.0.0.1 (DNS rebinding) reaches a loopback listener from the victim's own browser, so a loopback
/// remote address alone does not make a request local: its <c>Host</c> must name loopback too. A cross-site form or
/// script posting to the dashboard gives itself away by <c>Origin</c> or <c>Sec-Fetch-Site</c>.
/// </summary>
internal static class RequestOrigin
{
    /// <summary>Whether the <c>Host</c> names loopback: <c>localhost</c>, a name under <c>.localhost</c>, or a loopback address.</summary>
    public static bool IsLoopbackHost(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = host.Host.TrimEnd('.');
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            name = name[1..^1];
        }

        return IPAddress.TryParse(name, out var address)
            ? LocalRequestFilter.IsLoopback(address)
            : name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
              || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether a request may act. A browser that sends <c>Sec-Fetch-Site</c> (which no page can set) is believed:
    /// it must say same-origin, or none for a request the user started. Otherwise an <c>Origin</c> the browser sends
    /// must be the request's own scheme, host and port (<c>null</c>, from a sandboxed frame, is not). A client that
    /// sends neither (a script, curl) is not a browser page and still needs the antiforgery token.
    /// </summary>
    public static bool IsSameOrigin(HttpRequest request, out string? reason)
    {
        reason = null;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            reason = site is "same-origin" or "none" ? null : $"Sec-Fetch-Site is '{site}'";
            return reason is null;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)
            || !string.Equals(from.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(HostOf(from), request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            reason = "its Origin is not the dashboard's";
            return false;
        }

        return true;
    }

    private static string HostOf(Uri origin) => origin.IsDefaultPort ? origin.Host : $"{origin.Host}:{origin.Port}";
}
