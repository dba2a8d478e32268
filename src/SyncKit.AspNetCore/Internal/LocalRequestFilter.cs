using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// Serves only loopback requests unless the endpoint carries an authorization policy: the dashboard shows tenant
/// data and runs operator actions, so it is never open to the network by accident.
/// </summary>
internal sealed class LocalRequestFilter : IEndpointFilter
{
    public const string RefusalMessage =
        "The SyncKit dashboard serves only local (loopback) requests. To serve others, require an authorization policy: app.MapSyncKitDashboard(\"/synckit\").RequireAuthorization(\"policy\").";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (IsServed(http))
        {
            return await next(context).ConfigureAwait(false);
        }

        var logger = http.RequestServices.GetRequiredService<ILogger<LocalRequestFilter>>();
        Log.NonLocalRefused(logger, http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress?.ToString());
        return Results.Text(RefusalMessage, statusCode: StatusCodes.Status403Forbidden);
    }

    /// <summary>Whether a request may be served: its endpoint requires authorization, or it comes from a loopback address.</summary>
    public static bool IsServed(HttpContext context) =>
        RequiresAuthorization(context.GetEndpoint()) || IsLoopback(context.Connection.RemoteIpAddress);

    /// <summary>Whether an address is loopback (IPv4-mapped IPv6 included); an unknown address is not.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static bool RequiresAuthorization(Endpoint? endpoint) =>
        endpoint is not null
        && (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null || endpoint.Metadata.GetMetadata<AuthorizationPolicy>() is not null);
}
