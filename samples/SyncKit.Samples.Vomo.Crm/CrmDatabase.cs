using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit.Samples.Vomo.Crm.Internal;
using SyncKit.Postgres;
using SyncKit.Sqlite;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// The one database that holds SyncKit's state and the CRM tables — a SQLite file or a PostgreSQL database — and
/// the CRM destinations that write in its store's transaction, and, with a webhook, the relay that posts their
/// welcomes once each batch has committed.
/// </summary>
internal abstract class CrmDatabase(WebhookWelcomeSender? webhook, TimeProvider time) : IAsyncDisposable
{
    private readonly Lock _relayStart = new();
    private WelcomeRelay? _relay;

    /// <summary>The state store.</summary>
    public abstract ISyncStateStore Store { get; }

    /// <summary>Opens the SQLite file (creating the store's and the CRM's tables).</summary>
    /// <param name="path">The file.</param>
    /// <param name="webhook">Where welcomes go (<c>--webhook</c>), or <see langword="null"/> for <c>crm_outbox</c>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    public static async Task<CrmDatabase> OpenSqliteAsync(string path, WebhookWelcomeSender? webhook, TimeProvider time, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = connectionString }, time);
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            await CrmSchema.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);
            return new Sqlite(store, connectionString, webhook, time);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Connects to the PostgreSQL database (migrating the store's schema and creating the CRM's tables).</summary>
    /// <param name="connectionString">The database.</param>
    /// <param name="webhook">Where welcomes go (<c>--webhook</c>), or <see langword="null"/> for <c>crm_outbox</c>.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the opening.</param>
    public static async Task<CrmDatabase> OpenPostgresAsync(string connectionString, WebhookWelcomeSender? webhook, TimeProvider time, CancellationToken cancellationToken)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresSyncStateStore(dataSource, timeProvider: time);
        try
        {
            await store.StartAsync(cancellationToken).ConfigureAwait(false);
            await PostgresCrmSchema.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);
            return new Postgres(store, dataSource, webhook, time);
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

    /// <summary>
    /// Where welcome notifications go instead of <c>crm_outbox</c> (<c>--webhook</c>): chosen when the database is
    /// opened, so every destination it creates, in every command, sends them the same way.
    /// </summary>
    public WebhookWelcomeSender? Webhook { get; } = webhook;

    /// <summary>The webhook's ledger of welcomes: due, sent or rejected.</summary>
    public WelcomeLedger Welcomes => field ??= new WelcomeLedger(Dialect, time);

    /// <summary>
    /// The CRM destination for <paramref name="table"/> on this database, for <paramref name="job"/>. With a
    /// <paramref name="welcome"/> and a <see cref="Webhook"/>, the relay starts delivering the job's tenant's due
    /// welcomes, those a killed process left first.
    /// </summary>
    public IDestination<T> Destination<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, JobId job)
    {
        var relay = welcome is not null && Webhook is { } sender ? Relay(sender) : null;
        relay?.Register(job);
        return Create(table, welcome, relay);
    }

    /// <summary>An open connection of its own, outside any sync's transaction (the groups push's log).</summary>
    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Delivers what is still due to the webhook, then closes the database.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_relay is not null)
            {
                await _relay.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private protected TimeProvider Time => time;

    private protected abstract IDestination<T> Create<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, WelcomeRelay? relay);

    private protected abstract ValueTask CloseAsync();

    private WelcomeRelay Relay(WebhookWelcomeSender sender)
    {
        lock (_relayStart)
        {
            return _relay ??= new WelcomeRelay(Store, Welcomes, OpenConnectionAsync, sender, time);
        }
    }

    private sealed class Sqlite(SqliteSyncStateStore store, string connectionString, WebhookWelcomeSender? webhook, TimeProvider time) : CrmDatabase(webhook, time)
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

        private protected override IDestination<T> Create<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, WelcomeRelay? relay) =>
            new SqliteCrmDestination<T>(table, welcome, Time) { ConnectionString = connectionString, Relay = relay };

        private protected override ValueTask CloseAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Postgres(PostgresSyncStateStore store, NpgsqlDataSource dataSource, WebhookWelcomeSender? webhook, TimeProvider time) : CrmDatabase(webhook, time)
    {
        public override ISyncStateStore Store => store;

        public override CrmDialect Dialect => CrmDialect.Postgres;

        public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
            await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        private protected override IDestination<T> Create<T>(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, WelcomeRelay? relay) =>
            new PostgresCrmDestination<T>(table, welcome, Time) { DataSource = dataSource, Relay = relay };

        private protected override async ValueTask CloseAsync()
        {
            await store.DisposeAsync().ConfigureAwait(false);
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
