using Microsoft.Data.Sqlite;
using SyncKit.Sqlite;

namespace SyncKit.Benchmarks.Sqlite;

/// <summary>
/// A pair of fresh database files in one temporary directory: one for the hand-written baseline, one for the
/// store, both in WAL mode with the same <c>synchronous</c> setting so they pay for the same disk flushes.
/// </summary>
internal sealed class BenchmarkDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("synckit-bench-").FullName;

    public BenchmarkDatabase(SqliteDurability durability)
    {
        Store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = Path.Combine(_directory, "store.db"), Durability = durability });
        Store.InitializeAsync().GetAwaiter().GetResult();
        Raw = new SqliteConnection($"Data Source={Path.Combine(_directory, "raw.db")};Pooling=false");
        Raw.Open();
        Execute($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {(durability == SqliteDurability.Full ? "FULL" : "NORMAL")};");
    }

    public SqliteSyncStateStore Store { get; }

    public SqliteConnection Raw { get; }

    public void Execute(string sql)
    {
        using var command = Raw.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        Store.Dispose();
        Raw.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
