using BenchmarkDotNet.Attributes;
using Npgsql;

namespace SyncKit.Benchmarks.Postgres;

/// <summary>
/// 1,000 checkpoint commits, each its own transaction. The baseline updates one row in a hand-written
/// transaction; the store does what the engine does after every batch, with the job leased so every commit
/// carries its fencing check: begin a state transaction, save the checkpoint, commit.
/// </summary>
[MemoryDiagnoser]
public class PostgresCheckpointBenchmarks
{
    private const int Commits = 1_000;

    private static readonly JobId Job = new("tenant-a", "invoices");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Cursor[] _cursors = Enumerable.Range(1, Commits).Select(i => Cursor.At(T0.AddSeconds(i), i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

    private PostgresBenchmarkDatabase? _database;

    [GlobalSetup]
    public async Task CreateSchema()
    {
        _database = await PostgresBenchmarkDatabase.CreateAsync();
        await _database.ExecuteAsync("""
            CREATE TABLE {schema}.raw_checkpoints (tenant text NOT NULL, stream text NOT NULL, cursor jsonb NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (tenant, stream));
            INSERT INTO {schema}.raw_checkpoints VALUES ('tenant-a', 'invoices', '{}', now());
            """);
        await _database.Store.Leases.TryAcquireAsync([Job], 1, CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task DropSchema() => await _database!.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Commits)]
    public async Task RawUpdate()
    {
        var sql = _database!.Qualify("UPDATE {schema}.raw_checkpoints SET cursor = $1::jsonb, updated_at = $2 WHERE tenant = $3 AND stream = $4");
        foreach (var cursor in _cursors)
        {
            await using var connection = await _database.DataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using var update = new NpgsqlCommand(sql, connection, transaction)
            {
                Parameters =
                {
                    new NpgsqlParameter<string> { TypedValue = $"{{\"t\":\"{cursor.Timestamp:O}\",\"id\":\"{cursor.Id}\"}}" },
                    new NpgsqlParameter<DateTime> { TypedValue = DateTime.UtcNow },
                    new NpgsqlParameter<string> { TypedValue = Job.Tenant },
                    new NpgsqlParameter<string> { TypedValue = Job.Stream },
                },
            };
            await update.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
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
