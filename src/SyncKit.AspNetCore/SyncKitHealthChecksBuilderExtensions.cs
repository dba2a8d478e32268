using Microsoft.Extensions.Diagnostics.HealthChecks;
using SyncKit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds SyncKit's health check to ASP.NET Core health checks.</summary>
public static class SyncKitHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="SyncHealthCheck"/> over the host's registered jobs (or one tenant's), judged by the
    /// registered <see cref="SyncHealthMonitor"/> (<c>AddSyncKitDashboard</c> registers one). A stalled job reports
    /// <paramref name="failureStatus"/>, a degraded one <see cref="HealthStatus.Degraded"/>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tenant">Only this tenant's jobs; <see langword="null"/> checks all.</param>
    /// <param name="failureStatus">The status a stalled job reports; <see langword="null"/> means <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter the check by, for example in <c>MapHealthChecks</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddSyncKit(this IHealthChecksBuilder builder, string name = "synckit", string? tenant = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new SyncHealthCheck(sp.GetRequiredService<SyncHealthMonitor>(), sp.GetRequiredService<SyncJobRunner>(), tenant),
            failureStatus,
            tags));
    }
}
