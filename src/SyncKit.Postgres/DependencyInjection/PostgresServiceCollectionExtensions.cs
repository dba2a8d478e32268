using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit;
using SyncKit.Postgres;
using SyncKit.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL state store.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PostgresSyncStateStore"/> as the <see cref="ISyncStateStore"/> and its
    /// <see cref="IJobLeaseManager"/>. The options are validated when the host starts, the store connects and
    /// migrates its schema then, and the instance's leases are released when the host stops.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the connection string and, optionally, the schema, retries and lease settings.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSyncKitPostgresStore(this IServiceCollection services, Action<PostgresSyncStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresSyncStateStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresSyncStateStoreOptions>, PostgresSyncStateStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => PostgresSyncStateStore.Create(
            sp.GetRequiredService<IOptions<PostgresSyncStateStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<ISyncStateStore>(sp => sp.GetRequiredService<PostgresSyncStateStore>());
        services.AddSingleton(sp => sp.GetRequiredService<PostgresSyncStateStore>().Leases);
        services.AddHostedService<PostgresStoreLifetime>();
        return services;
    }
}
