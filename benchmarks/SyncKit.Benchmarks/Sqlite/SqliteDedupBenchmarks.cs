using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SyncKit.Sqlite;

namespace SyncKit.Benchmarks.Sqlite;

/// <summary>
/// Check-and-record 100,000 new dedup keys in batches of 1,000, each batch committed on its own. The baseline
/// inserts the same keys with a prepared, parameterized INSERT per key in one transaction per batch; the store
/// reserves each batch with one statement that also answers every key's status.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class SqliteDedupBenchmarks
{
    private const int Keys = 100_000;
    private const int BatchSize = 1_000;
    private const string Scope = "tenant-a/welcome-email";

    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    private readonly string[][] _batches = Enumerable.Range(0, Keys)
        .Select(i => "order-" + i.ToString("D7", CultureInfo.InvariantCulture))
        .Chunk(BatchSize)
        .ToArray();

    private BenchmarkDatabase? _database;

    /// <summary>The durability both sides run with.</summary>
    [Params(SqliteDurability.Full, SqliteDurability.Normal)]
    public SqliteDurability Durability { get; set; }

    [IterationSetup]
    public void CreateDatabases()
    {
        _database = new BenchmarkDatabase(Durability);
        _database.Execute("CREATE TABLE dedup (scope TEXT NOT NULL, dedup_key TEXT NOT NULL, held_until INTEGER NOT NULL, PRIMARY KEY (scope, dedup_key)) WITHOUT ROWID");
    }

    [IterationCleanup]
    public void DeleteDatabases() => _database!.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Keys)]
    public void RawBatchedInsert()
    {
        var connection = _database!.Raw;
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO dedup (scope, dedup_key, held_until) VALUES ($scope, $key, $held_until)";
        var scope = insert.Parameters.Add("$scope", SqliteType.Text);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var heldUntil = insert.Parameters.Add("$held_until", SqliteType.Integer);
        scope.Value = Scope;
        foreach (var batch in _batches)
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            insert.Transaction = transaction;
            heldUntil.Value = (TimeProvider.System.GetUtcNow() + Hold).UtcTicks;
            foreach (var value in batch)
            {
                key.Value = value;
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
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
}
