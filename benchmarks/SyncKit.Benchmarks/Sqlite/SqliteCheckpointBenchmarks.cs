using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SyncKit.Sqlite;

namespace SyncKit.Benchmarks.Sqlite;

/// <summary>
/// 10,000 checkpoint commits, each its own transaction. The baseline updates one row with a prepared UPDATE; the
/// store does what the engine does after every batch: begin a state transaction, save the checkpoint, commit.
/// </summary>
[MemoryDiagnoser]
public class SqliteCheckpointBenchmarks
{
    private const int Commits = 10_000;

    private static readonly JobId Job = new("tenant-a", "invoices");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Cursor[] _cursors = Enumerable.Range(1, Commits).Select(i => Cursor.At(T0.AddSeconds(i), i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    private BenchmarkDatabase? _database;

    /// <summary>The durability both sides run with.</summary>
    [Params(SqliteDurability.Full, SqliteDurability.Normal)]
    public SqliteDurability Durability { get; set; }

    [GlobalSetup]
    public void CreateDatabases()
    {
        _database = new BenchmarkDatabase(Durability);
        _database.Execute("""
            CREATE TABLE checkpoints (tenant TEXT NOT NULL, stream TEXT NOT NULL, cursor_ticks INTEGER, cursor_offset INTEGER,
                                      cursor_id TEXT NOT NULL, cursor_progress TEXT, PRIMARY KEY (tenant, stream)) WITHOUT ROWID;
            INSERT INTO checkpoints VALUES ('tenant-a', 'invoices', NULL, NULL, '0', NULL);
            """);
    }

    [GlobalCleanup]
    public void DeleteDatabases() => _database!.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Commits)]
    public void RawUpdate()
    {
        var connection = _database!.Raw;
        using var update = connection.CreateCommand();
        update.CommandText = """
            UPDATE checkpoints SET cursor_ticks = $ticks, cursor_offset = $offset, cursor_id = $id, cursor_progress = $progress
            WHERE tenant = $tenant AND stream = $stream
            """;
        var ticks = update.Parameters.Add("$ticks", SqliteType.Integer);
        var offset = update.Parameters.Add("$offset", SqliteType.Integer);
        var id = update.Parameters.Add("$id", SqliteType.Text);
        update.Parameters.Add("$progress", SqliteType.Text).Value = DBNull.Value;
        update.Parameters.Add("$tenant", SqliteType.Text).Value = Job.Tenant;
        update.Parameters.Add("$stream", SqliteType.Text).Value = Job.Stream;
        foreach (var cursor in _cursors)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            update.Transaction = transaction;
            ticks.Value = cursor.Timestamp!.Value.UtcTicks;
            offset.Value = (long)cursor.Timestamp.Value.Offset.TotalMinutes;
            id.Value = cursor.Id;
            update.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    [Benchmark(OperationsPerInvoke = Commits)]
    public async Task SyncKitCheckpoint()
    {
        var store = _database!.Store;
        foreach (var cursor in _cursors)
        {
            var transaction = await store.BeginTransactionAsync(Job, CancellationToken.None);
            await using (transaction)
            {
                await transaction.Checkpoints.SaveAsync(Job, cursor, CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        }
    }
}
