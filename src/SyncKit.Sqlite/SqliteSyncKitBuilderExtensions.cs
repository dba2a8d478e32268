using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit;
using SyncKit.Sqlite;
using SyncKit.Sqlite.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the SQLite state store for SyncKit.</summary>
public static class SqliteSyncKitBuilderExtensions
{
    /// <summary>
    /// Keeps SyncKit's state in one SQLite file (<see cref="SqliteSyncStateStore"/>). The options are validated,
    /// and the file opened, checked and migrated, when the host starts. A relative path is resolved against the
    /// host's content root (<see cref="IHostEnvironment.ContentRootPath"/>), not the current directory, and a missing
    /// directory is created.
    /// </summary>
    /// <param name="builder">The SyncKit builder.</param>
    /// <param name="connectionString">A database file path or a SQLite connection string (see <see cref="SqliteStateStoreOptions.ConnectionString"/>).</param>
    /// <returns>The builder.</returns>
    public static SyncKitBuilder UseSqlite(this SyncKitBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return builder.UseSqlite(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Keeps SyncKit's state in one SQLite file (<see cref="SqliteSyncStateStore"/>). The options are validated,
    /// and the file opened, checked and migrated, when the host starts. A relative path is resolved against the
    /// host's content root (<see cref="IHostEnvironment.ContentRootPath"/>), not the current directory, and a missing
    /// directory is created.
    /// </summary>
    /// <param name="builder">The SyncKit builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static SyncKitBuilder UseSqlite(this SyncKitBuilder builder, Action<SqliteStateStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteStateStoreOptions>, SqliteStateStoreOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreInitializer>());
        return builder.UseStore<SqliteSyncStateStore, SqliteStateStoreOptions>(configure, static (provider, options) => new SqliteSyncStateStore(
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IHostEnvironment>()?.ContentRootPath));
    }
}
