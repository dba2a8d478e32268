using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Npgsql;
using NpgsqlTypes;

namespace SyncKit.Benchmarks.Postgres;

/// <summary>
/// Check-and-record 100,000 new dedup keys in batches of 1,000, each batch committed on its own. The baseline is
/// a hand-written multi-row INSERT per batch (one round trip, no answer per key); the store reserves each batch
/// with one statement that also answers every key's status. Two other one-statement shapes are measured beside
/// them, which is how the store's shape was chosen: a plain INSERT from <c>unnest</c> of one array parameter,
/// and COPY into a temporary table followed by an INSERT from it.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class PostgresDedupBenchmarks
{
    private const int Keys = 100_000;
    private const int BatchSize = 1_000;
    private const string Scope = "tenant-a/welcome-email";

    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    private readonly string[][] _batches = Enumerable.Range(0, Keys)
        .Select(i => "order-" + i.ToString("D7", CultureInfo.InvariantCulture))
        .Chunk(BatchSize)
        .ToArray();

    private PostgresBenchmarkDatabase? _database;
    private string _multiRowInsert = string.Empty;

    [IterationSetup]
    public void CreateSchema()
    {
        _database = PostgresBenchmarkDatabase.CreateAsync().GetAwaiter().GetResult();
        _database.ExecuteAsync("CREATE TABLE {schema}.raw_dedup (scope text COLLATE \"C\" NOT NULL, key text COLLATE \"C\" NOT NULL, held_until timestamptz NOT NULL, PRIMARY KEY (scope, key))")
            .GetAwaiter().GetResult();
        var sql = new StringBuilder(_database.Qualify("INSERT INTO {schema}.raw_dedup (scope, key, held_until) VALUES "));
        for (var i = 0; i < BatchSize; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append(CultureInfo.InvariantCulture, $"($1, ${i + 3}, $2)");
        }

        _multiRowInsert = sql.ToString();
    }

    [IterationCleanup]
    public void DropSchema() => _database!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Keys)]
    public async Task RawBatchedInsert()
    {
        foreach (var batch in _batches)
        {
            await using var insert = _database!.DataSource.CreateCommand(_multiRowInsert);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Scope });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (TimeProvider.System.GetUtcNow() + Hold).UtcDateTime });
            foreach (var key in batch)
            {
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            }

            await insert.ExecuteNonQueryAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public async Task SyncKitDedup()
    {
        var dedup = _database!.Store.Dedup;
        foreach (var batch in _batches)
        {
            await dedup.ReserveAsync(Scope, batch, Hold, CancellationToken.None);
        }
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public async Task UnnestInsert()
    {
        var sql = _database!.Qualify("INSERT INTO {schema}.raw_dedup (scope, key, held_until) SELECT $1, key, $2 FROM unnest($3::text[]) AS k(key)");
        foreach (var batch in _batches)
        {
            await using var insert = _database.DataSource.CreateCommand(sql);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Scope });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (TimeProvider.System.GetUtcNow() + Hold).UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = batch });
            await insert.ExecuteNonQueryAsync();
        }
    }

    [Benchmark(OperationsPerInvoke = Keys)]
    public async Task CopyThenInsert()
    {
        await using var connection = await _database!.DataSource.OpenConnectionAsync();
        foreach (var batch in _batches)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE incoming (key text) ON COMMIT DROP", connection, transaction))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (var copy = await connection.BeginBinaryImportAsync("COPY incoming (key) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var key in batch)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(key, NpgsqlDbType.Text);
                }

                await copy.CompleteAsync();
            }

            await using (var insert = new NpgsqlCommand(_database.Qualify("INSERT INTO {schema}.raw_dedup (scope, key, held_until) SELECT $1, key, $2 FROM incoming"), connection, transaction))
            {
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Scope });
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = (TimeProvider.System.GetUtcNow() + Hold).UtcDateTime });
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }
    }
}
