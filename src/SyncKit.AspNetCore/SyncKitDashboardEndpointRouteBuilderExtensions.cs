using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SyncKit;
using SyncKit.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SyncKit dashboard.</summary>
public static class SyncKitDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the SyncKit dashboard under <paramref name="prefix"/>: the HTML pages, the JSON API under
    /// <c>{prefix}/api</c> and the health endpoints <c>{prefix}/health</c> and <c>{prefix}/health/{tenant}</c>.
    /// </summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <param name="prefix">The path the dashboard lives under, for example <c>/synckit</c>.</param>
    /// <returns>
    /// The builder of every dashboard endpoint. Without an authorization policy only loopback requests are served;
    /// call <c>RequireAuthorization(...)</c> on it to serve others, to the users the policy admits.
    /// </returns>
    /// <exception cref="InvalidOperationException"><c>AddSyncKit</c> or <c>AddSyncKitDashboard</c> was not called.</exception>
    public static IEndpointConventionBuilder MapSyncKitDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/synckit")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var registered = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        if (!registered.IsService(typeof(SyncJobRunner)) || !registered.IsService(typeof(DashboardQueries)))
        {
            throw new InvalidOperationException("The SyncKit dashboard needs services.AddSyncKit(...) and services.AddSyncKitDashboard() before app.MapSyncKitDashboard(...).");
        }

        var root = "/" + prefix.Trim('/');
        var group = endpoints.MapGroup(root == "/" ? string.Empty : root);
        group.AddEndpointFilter<LocalRequestFilter>();
        group.WithMetadata(new ExcludeFromDescriptionAttribute());
        PageEndpoints.Map(group, root == "/" ? string.Empty : root);
        ApiEndpoints.Map(group);
        return group;
    }
}
