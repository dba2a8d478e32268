using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SyncKit;
using SyncKit.Hosting.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds SyncKit's health check to .NET health checks, in web apps and worker services alike.</summary>
public static class SyncKitHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="SyncHealthCheck"/> over the host's registered jobs (or one tenant's), with what it needs: it
    /// judges with the <see cref="SyncHealthMonitor"/> the host registered (<c>AddSyncKitDashboard</c> registers one),
    /// else with one of its own at <see cref="SyncHealthOptions"/>' defaults. A stalled job reports
    /// <paramref name="failureStatus"/>, a degraded one <see cref="HealthStatus.Degraded"/>.
    /// </summary>
    /// <remarks>
    /// Call <c>AddSyncKit</c> on the services too. In an ASP.NET Core app, <c>MapHealthChecks</c> serves the result;
    /// in a worker service, <c>HealthCheckService.CheckHealthAsync</c> reads it and an <see cref="IHealthCheckPublisher"/>
    /// publishes it periodically.
    /// </remarks>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tenant">Only this tenant's jobs; <see langword="null"/> checks all.</param>
    /// <param name="failureStatus">The status a stalled job reports; <see langword="null"/> means <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by, for example in <c>MapHealthChecks</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSyncKit(this IHealthChecksBuilder builder, string name = "synckit", string? tenant = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.TryAddSingleton<HealthCheckMonitor>();
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new SyncHealthCheck(
                sp.GetService<SyncHealthMonitor>() ?? sp.GetRequiredService<HealthCheckMonitor>().Monitor,
                sp.GetRequiredService<SyncJobRunner>(),
                tenant),
            failureStatus,
            tags));
    }
}
