using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit;
using SyncKit.CrashHost;
using SyncKit.Postgres;
using SyncKit.Sqlite;
using SyncKit.Testing;

// Syncs CrashSource into a destination that commits with the checkpoint, printing progress lines, until done:
//   sqlite <database> <records>       the SQLite store, destination table in the same file
//   postgres <connection> <records>   the PostgreSQL store and destination table in the connection's Search Path schema
//   file <snapshot> <records>         the in-memory store persisted to a file after every commit
// Prints "done <outcome> <error>" and exits 0 when the run succeeded.
if (args.Length != 3 || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count))
{
    Console.Error.WriteLine("usage: SyncKit.CrashHost sqlite|postgres|file <path or connection string> <records>");
    return 2;
}

// The parent may kill at this first line, before the store is even open.
Console.Out.WriteLine("starting");
var progress = new Progress(every: 100);
var source = new CrashSource(count);
var run = args[0] switch
{
    "sqlite" => await RunOnSqliteAsync(args[1]),
    "postgres" => await RunOnPostgresAsync(args[1]),
    "file" => await RunOnFileAsync(args[1]),
    _ => throw new ArgumentException($"Unknown mode '{args[0]}'."),
};
Console.Out.WriteLine($"done {run.Outcome} {run.Error}");
return run.Outcome == RunOutcome.Succeeded ? 0 : 1;

async Task<RunRecord> RunOnSqliteAsync(string path)
{
    using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = path });
    await store.InitializeAsync();
    using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
    {
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = SqliteRowsDestination.CreateTable;
        create.ExecuteNonQuery();
    }

    return await new SyncEngine(store).RunAsync(Job(new SqliteRowsDestination(progress)));
}

async Task<RunRecord> RunOnPostgresAsync(string connectionString)
{
    var schema = new NpgsqlConnectionStringBuilder(connectionString).SearchPath
        ?? throw new ArgumentException("The connection string must name the schema in Search Path.", nameof(connectionString));
    await using var store = PostgresSyncStateStore.Create(new PostgresSyncStateStoreOptions { ConnectionString = connectionString, Schema = schema });
    await store.StartAsync(default);
    await using (var connection = new NpgsqlConnection(connectionString))
    {
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(PostgresRowsDestination.CreateTable, connection);
        await create.ExecuteNonQueryAsync();
    }

    return await new SyncEngine(store).RunAsync(Job(new PostgresRowsDestination(progress)));
}

async Task<RunRecord> RunOnFileAsync(string path)
{
    var snapshot = FileSnapshot.Read(path);
    var rows = new ConcurrentDictionary<string, (long Version, int Writes)>(snapshot.Rows, StringComparer.Ordinal);
    InMemorySyncStateStore? store = null;

    // Runs under the store's lock after every commit, so the checkpoint and the rows it reads are one consistent state.
    store = new InMemorySyncStateStore(committed: () =>
        new FileSnapshot(store!.Checkpoints.GetAsync(CrashSource.Job, default).AsTask().Result, rows).Write(path));
    if (snapshot.Checkpoint is { } checkpoint)
    {
        await store.Checkpoints.SaveAsync(CrashSource.Job, checkpoint, default);
    }

    return await new SyncEngine(store).RunAsync(Job(new MemoryRowsDestination(rows, progress)));
}

SyncJob<TestRecord> Job(IDestination<TestRecord> destination) =>
    new(CrashSource.Job, source, destination, new JsonRecordSerializer<TestRecord>())
    {
        // One partition, no lookback: every committed batch moves the checkpoint past all it wrote, so a record
        // is delivered in a committed batch exactly once however often the process is killed.
        Options = new SyncJobOptions { PageSize = 1_000, BatchSize = 500, Partitions = 1, Lookback = TimeSpan.Zero, MaxRetryAttempts = 0 },
    };
