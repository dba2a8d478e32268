using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit.Samples.Vomo.Crm.Internal;
using SyncKit.Postgres;
using SyncKit.Sqlite;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// The one database that holds SyncKit's state and the CRM tables — a SQLite file or a PostgreSQL database — and
/// the CRM destinations that write in its store's transaction.
/// </summary>
internal abstract class CrmDatabase : IAsyncDisposable
{
    /// <summary>The state store.</summary>
    public abstract ISyncStateStore Store { get; }

    /// <summary>Opens the SQLite file (creating the store's and the CRM's tables).</summary>
    public static async Task<CrmDatabase> OpenSqliteAsync(string path, TimeProvider time, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = connectionString }, time);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await CrmSchema.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);
            return new Sqlite(store, connectionString);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Connects to the PostgreSQL database (migrating the store's schema and creating the CRM's tables).</summary>
    public static async Task<CrmDatabase> OpenPostgresAsync(string connectionString, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresSyncStateStore(dataSource, timeProvider: time);
        try
        {
            await store.StartAsync(cancellationToken).ConfigureAwait(false);
            await PostgresCrmSchema.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);
            return new Postgres(store, dataSource);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>How this database spells what the shared statements leave open.</summary>
    public abstract CrmDialect Dialect { get; }

    /// <summary>Where welcome notifications go instead of <c>crm_outbox</c> (<c>--webhook</c>).</summary>
    public IWelcomeSender? Webhook { get; set; }

    /// <summary>The CRM destination for <paramref name="table"/> on this database.</summary>
    public abstract IDestination<T> Destination<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, TimeProvider time);

    /// <summary>An open connection of its own, outside any sync's transaction (the groups push's log).</summary>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private sealed class Sqlite(SqliteSyncStateStore store, string connectionString) : CrmDatabase
    {
        public override ISyncStateStore Store => store;

        public override CrmDialect Dialect => CrmDialect.Sqlite;

        public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public override IDestination<T> Destination<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, TimeProvider time) =>
            new SqliteCrmDestination<T>(table, welcome, time) { ConnectionString = connectionString, Welcomes = Webhook ?? new OutboxWelcomeSender(CrmDialect.Sqlite, time) };

        public override ValueTask DisposeAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Postgres(PostgresSyncStateStore store, NpgsqlDataSource dataSource) : CrmDatabase
    {
        public override ISyncStateStore Store => store;

        public override CrmDialect Dialect => CrmDialect.Postgres;

        public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
            await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        public override IDestination<T> Destination<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, TimeProvider time) =>
            new PostgresCrmDestination<T>(table, welcome, time) { DataSource = dataSource, Welcomes = Webhook ?? new OutboxWelcomeSender(CrmDialect.Postgres, time) };

        public override async ValueTask DisposeAsync()
        {
            await store.DisposeAsync().ConfigureAwait(false);
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
