using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit.Postgres;
using SyncKit.Sqlite;

namespace SyncKit.Simulation.World;

/// <summary>Which state store a seed drives.</summary>
internal enum StoreKind
{
    InMemory,
    Sqlite,
    Postgres,
}

/// <summary>
/// The durable side of a state store: outlives the lives of the process, opens a fresh store object for each life,
/// and reads what is committed for the checks (through an instance of its own that no life uses).
/// </summary>
internal abstract class StoreHost : IAsyncDisposable
{
    public abstract StoreKind Kind { get; }

    /// <summary>Whether store calls do real I/O that completes off the simulation's thread.</summary>
    public virtual bool RealIo => false;

    /// <summary>What the checks read committed state through.</summary>
    public abstract ISyncStateStore Committed { get; }

    /// <summary>The destination's rows: in this store's database when <paramref name="enlisted"/>, else a system of their own.</summary>
    public abstract IDestinationRows Rows { get; }

    /// <summary>Opens the store a new life of the process uses.</summary>
    public abstract ValueTask<ISyncStateStore> OpenAsync(TimeProvider time);

    /// <summary>Lets go of a dead life's store object (its connections and job locks), as the death of its process would.</summary>
    public virtual ValueTask CloseAsync(ISyncStateStore store) => ValueTask.CompletedTask;

    /// <summary>Counts the calls of lives that wait on a database lock (PostgreSQL), so the driver need not wait for them.</summary>
    public virtual ValueTask<int> CountLockWaitsAsync() => ValueTask.FromResult(0);

    public abstract ValueTask DisposeAsync();

    public static async Task<StoreHost> CreateAsync(StoreKind kind, bool enlisted, TimeProvider time, int seed) => kind switch
    {
        StoreKind.InMemory => new InMemoryHost(enlisted, time),
        StoreKind.Sqlite => await SqliteHost.CreateAsync(enlisted, time, seed),
        _ => await PostgresHost.CreateAsync(enlisted, time, seed),
    };
}

/// <summary>One <see cref="InMemorySyncStateStore"/> for every life: what it committed stands in for a durable store.</summary>
internal sealed class InMemoryHost(bool enlisted, TimeProvider time) : StoreHost
{
    private readonly InMemorySyncStateStore _store = new(time);

    public override StoreKind Kind => StoreKind.InMemory;

    public override ISyncStateStore Committed => _store;

    public override IDestinationRows Rows { get; } = enlisted ? new InMemoryEnlistedRows() : new RemoteRows();

    public override ValueTask<ISyncStateStore> OpenAsync(TimeProvider time) => ValueTask.FromResult<ISyncStateStore>(_store);

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A SQLite file in a temporary directory; each life opens its own store object on it, as a restarted process would.</summary>
internal sealed class SqliteHost : StoreHost
{
    private readonly string _directory;
    private readonly SqliteSyncStateStore _committed;

    private SqliteHost(string directory, SqliteSyncStateStore committed, IDestinationRows rows)
    {
        _directory = directory;
        _committed = committed;
        Rows = rows;
    }

    public override StoreKind Kind => StoreKind.Sqlite;

    public override ISyncStateStore Committed => _committed;

    public override IDestinationRows Rows { get; }

    private string DatabasePath => Path.Combine(_directory, "state.db");

    public static async Task<SqliteHost> CreateAsync(bool enlisted, TimeProvider time, int seed)
    {
        var directory = Directory.CreateTempSubdirectory($"synckit-sim-{seed}-").FullName;
        var committed = new SqliteSyncStateStore(Options(Path.Combine(directory, "state.db")), time);
        await committed.InitializeAsync();
        IDestinationRows rows = enlisted ? await SqlRows.CreateSqliteAsync(Path.Combine(directory, "state.db")) : new RemoteRows();
        return new SqliteHost(directory, committed, rows);
    }

    public override ValueTask<ISyncStateStore> OpenAsync(TimeProvider time) =>
        ValueTask.FromResult<ISyncStateStore>(new SqliteSyncStateStore(Options(DatabasePath), time));

    public override ValueTask CloseAsync(ISyncStateStore store)
    {
        ((SqliteSyncStateStore)store).Dispose();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        _committed.Dispose();
        if (Rows is IAsyncDisposable rows)
        {
            await rows.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    // A durability test would keep synchronous=FULL; the simulation checks transactional semantics, not the disk.
    private static SqliteStateStoreOptions Options(string path) => new()
    {
        ConnectionString = $"Data Source={path}",
        Durability = SqliteDurability.Normal,
        BusyTimeout = TimeSpan.FromMinutes(10),
    };
}

/// <summary>A schema of its own on the test PostgreSQL server; each life opens its own data source, as a restarted process would.</summary>
internal sealed class PostgresHost : StoreHost
{
    private readonly NpgsqlDataSource _admin;
    private readonly string _schema;
    private readonly string _connectionString;
    private readonly PostgresSyncStateStore _committed;

    private PostgresHost(NpgsqlDataSource admin, string schema, string connectionString, PostgresSyncStateStore committed, IDestinationRows rows)
    {
        _admin = admin;
        _schema = schema;
        _connectionString = connectionString;
        _committed = committed;
        Rows = rows;
    }

    public override StoreKind Kind => StoreKind.Postgres;

    public override bool RealIo => true;

    public override ISyncStateStore Committed => _committed;

    public override IDestinationRows Rows { get; }

    public static async Task<PostgresHost> CreateAsync(bool enlisted, TimeProvider time, int seed)
    {
        var server = await SyncKit.TestPostgres.PostgresServer.InstanceAsync();
        var applicationName = $"synckit-sim-{seed}";
        var connectionString = server.ConnectionStringWith(applicationName, maxPoolSize: 30);
        var schema = $"sim_{seed}_{Environment.ProcessId}";
        var admin = NpgsqlDataSource.Create(connectionString);
        await using (var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var committed = new PostgresSyncStateStore(admin, Options(schema), time);
        await committed.StartAsync(CancellationToken.None);
        IDestinationRows rows = enlisted ? await SqlRows.CreatePostgresAsync(admin, schema) : new RemoteRows();
        return new PostgresHost(admin, schema, connectionString, committed, rows);
    }

    public override ValueTask<ISyncStateStore> OpenAsync(TimeProvider time) =>
        ValueTask.FromResult<ISyncStateStore>(PostgresSyncStateStore.Create(Options(_schema, _connectionString), time));

    public override ValueTask CloseAsync(ISyncStateStore store) => ((PostgresSyncStateStore)store).DisposeAsync();

    public override async ValueTask<int> CountLockWaitsAsync()
    {
        await using var command = _admin.CreateCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = current_setting('application_name') AND wait_event_type = 'Lock'");
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async ValueTask DisposeAsync()
    {
        await using (var command = _admin.CreateCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await _admin.DisposeAsync();
    }

    private static PostgresSyncStateStoreOptions Options(string schema, string? connectionString = null) => new()
    {
        ConnectionString = connectionString,
        Schema = schema,
    };
}
