using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SyncKit;
using SyncKit.AspNetCore;
using SyncKit.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SyncKit dashboard's services.</summary>
public static class SyncKitDashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds what <c>MapSyncKitDashboard</c> needs: antiforgery, the dashboard's options (validated at start) and a
    /// <see cref="SyncHealthMonitor"/> unless the host registered one. Call <c>AddSyncKit</c> too.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSyncKitDashboard(this IServiceCollection services, Action<SyncKitDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        var options = services.AddOptions<SyncKitDashboardOptions>().ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new SyncHealthMonitor(
            sp.GetRequiredService<SyncEngine>(),
            sp.GetRequiredService<IOptions<SyncKitDashboardOptions>>().Value.Health));
        services.TryAddSingleton<DashboardQueries>();
        services.TryAddSingleton<DashboardActions>();
        return services;
    }
}
