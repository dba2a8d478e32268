using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.Hosting.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Retention.Internal;
using SyncKit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SyncKit in a host.</summary>
public static class SyncKitServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SyncKit engine, the job runner, the hosted scheduler and the hosted retention of old history
    /// (<see cref="SyncRetention"/>), with an in-memory store unless a store package's <c>UseXxx</c> is called.
    /// Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Registers jobs and chooses the store.</param>
    /// <returns>The builder, for store packages and further configuration.</returns>
    public static SyncKitBuilder AddSyncKit(this IServiceCollection services, Action<SyncKitBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new SyncKitBuilder(services);
        if (!services.Any(s => s.ServiceType == typeof(SyncEngine)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ISyncStateStore>(sp => new InMemorySyncStateStore(sp.GetRequiredService<TimeProvider>()));
            services.TryAddSingleton(sp => new SyncEngine(
                sp.GetRequiredService<ISyncStateStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
                sp.GetServices<IErrorClassifier>()));
            services.TryAddSingleton(sp => new SyncJobRunner(
                sp,
                sp.GetRequiredService<SyncEngine>(),
                sp.GetRequiredService<IOptionsMonitor<SyncJobOptions>>(),
                sp.GetRequiredService<IOptionsFactory<SyncJobOptions>>(),
                sp.GetServices<IValidateOptions<SyncJobOptions>>(),
                sp.GetServices<IRegisteredJob>()));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncJobOptions>, SyncJobOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SyncSchedulerOptions>, SyncSchedulerOptionsValidator>());
            services.AddOptions<SyncSchedulerOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
            services.AddOptions<RetentionOptions>()
                .Validate(RetentionOptionsValidator.AuditWithinRuns, RetentionOptionsValidator.AuditOutlivesRuns)
                .ValidateOnStart();
            services.TryAddSingleton(sp => new SyncRetention(
                sp.GetRequiredService<ISyncStateStore>(),
                sp.GetRequiredService<IOptions<RetentionOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()));
            // Retention before the scheduler: a host stops its services in reverse order, so syncs stop first.
            services.AddHostedService<RetentionScheduler>();
            services.AddHostedService<SyncScheduler>();
        }

        configure?.Invoke(builder);
        return builder;
    }
}
