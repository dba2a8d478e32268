using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit;
using SyncKit.Sqlite;
using SyncKit.Sqlite.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite state store.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteSyncStateStore"/> as the <see cref="ISyncStateStore"/> singleton. Its options
    /// are validated, and its file opened, checked and migrated, when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="connectionString">A database file path or a SQLite connection string (see <see cref="SqliteStateStoreOptions.ConnectionString"/>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSyncKitSqliteStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return services.AddSyncKitSqliteStore(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Registers <see cref="SqliteSyncStateStore"/> as the <see cref="ISyncStateStore"/> singleton. Its options
    /// are validated, and its file opened, checked and migrated, when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddSyncKitSqliteStore(this IServiceCollection services, Action<SqliteStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SqliteStateStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStateStoreOptions>, SqliteStateStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SqliteSyncStateStore(
            provider.GetRequiredService<IOptions<SqliteStateStoreOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        services.Replace(ServiceDescriptor.Singleton<ISyncStateStore>(provider => provider.GetRequiredService<SqliteSyncStateStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreInitializer>());
        return services;
    }
}
