using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// The dashboard's gate, in front of every endpoint. It sets the <see cref="SecurityHeaders"/> on every response.
/// Unless the endpoint carries an authorization policy it serves only local requests: a loopback remote address
/// and a <c>Host</c> that names loopback (so a rebound DNS name is refused). Every POST must come from the dashboard's
/// own origin when a browser says where it comes from. The dashboard shows tenant data and runs operator actions,
/// so it is never open to the network, or to another site's pages, by accident.
/// </summary>
internal sealed class LocalRequestFilter : IEndpointFilter
{
    public const string RefusalMessage =
        "The SyncKit dashboard serves only local (loopback) requests. To serve others, require an authorization policy: app.MapSyncKitDashboard(\"/synckit\").RequireAuthorization(\"policy\").";

    public const string HostRefusalMessage =
        "The SyncKit dashboard serves only requests addressed to a loopback name or address (localhost, 127.0.0.1, [::1]) unless an authorization policy is required: app.MapSyncKitDashboard(\"/synckit\").RequireAuthorization(\"policy\").";

    public const string CrossOriginRefusalMessage =
        "The SyncKit dashboard takes actions only from its own pages: this request comes from another site.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        SecurityHeaders.Apply(http.Response);
        var policy = RequiresAuthorization(http.GetEndpoint());
        if (!policy && !IsLoopback(http.Connection.RemoteIpAddress))
        {
            Log.NonLocalRefused(Logger(http), http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress?.ToString());
            return Results.Text(RefusalMessage, statusCode: StatusCodes.Status403Forbidden);
        }

        if (!policy && !RequestOrigin.IsLoopbackHost(http.Request.Host))
        {
            Log.NonLoopbackHostRefused(Logger(http), http.Request.Method, http.Request.Path, http.Request.Host.Value);
            return Results.Text(HostRefusalMessage, statusCode: StatusCodes.Status403Forbidden);
        }

        if (HttpMethods.IsPost(http.Request.Method) && !RequestOrigin.IsSameOrigin(http.Request, out var reason))
        {
            Log.CrossOriginRefused(Logger(http), http.Request.Method, http.Request.Path, reason!);
            return Results.Text(CrossOriginRefusalMessage, statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a request may be served: its endpoint requires authorization, or it comes from a loopback address and
    /// is addressed to a loopback name or address.
    /// </summary>
    public static bool IsServed(HttpContext context) =>
        RequiresAuthorization(context.GetEndpoint())
        || (IsLoopback(context.Connection.RemoteIpAddress) && RequestOrigin.IsLoopbackHost(context.Request.Host));

    /// <summary>Whether an address is loopback (IPv4-mapped IPv6 included); an unknown address is not.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILogger<LocalRequestFilter>>();

    private static bool RequiresAuthorization(Endpoint? endpoint) =>
        endpoint is not null
        && (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null);
}
