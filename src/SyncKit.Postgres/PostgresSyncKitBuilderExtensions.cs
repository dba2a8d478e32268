using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit;
using SyncKit.Postgres;
using SyncKit.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the PostgreSQL state store for SyncKit.</summary>
public static class PostgresSyncKitBuilderExtensions
{
    /// <summary>
    /// Keeps SyncKit's state in PostgreSQL (<see cref="PostgresSyncStateStore"/>) and registers its
    /// <see cref="IJobLeaseManager"/>. The options are validated, and the server reached and the schema migrated,
    /// when the host starts; the instance's leases are released when it stops.
    /// </summary>
    /// <param name="builder">The SyncKit builder.</param>
    /// <param name="connectionString">The Npgsql connection string (see <see cref="PostgresSyncStateStoreOptions.ConnectionString"/>).</param>
    /// <returns>The builder.</returns>
    public static SyncKitBuilder UsePostgres(this SyncKitBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return builder.UsePostgres(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Keeps SyncKit's state in PostgreSQL (<see cref="PostgresSyncStateStore"/>) and registers its
    /// <see cref="IJobLeaseManager"/>. The options are validated, and the server reached and the schema migrated,
    /// when the host starts; the instance's leases are released when it stops.
    /// </summary>
    /// <param name="builder">The SyncKit builder.</param>
    /// <param name="configure">Sets the connection string and, optionally, the schema, startup retries and lease settings.</param>
    /// <returns>The builder.</returns>
    public static SyncKitBuilder UsePostgres(this SyncKitBuilder builder, Action<PostgresSyncStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresSyncStateStoreOptions>, PostgresSyncStateStoreOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresStoreLifetime>());
        builder.Services.TryAddSingleton(provider => provider.GetRequiredService<PostgresSyncStateStore>().Leases);
        return builder.UseStore<PostgresSyncStateStore, PostgresSyncStateStoreOptions>(configure, static (provider, options) => PostgresSyncStateStore.Create(
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
    }
}
