namespace SyncKit.Sqlite.Tests;

/// <summary>A fresh directory per test for database files, deleted afterwards.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase() =>
        Directory = System.IO.Directory.CreateTempSubdirectory("synckit-sqlite-").FullName;

    public string Directory { get; }

    public string Path => System.IO.Path.Combine(Directory, "state.db");

    public SqliteSyncStateStore OpenStore(TimeProvider? timeProvider = null, SqliteDurability durability = SqliteDurability.Full) =>
        new(new SqliteStateStoreOptions { ConnectionString = Path, Durability = durability }, timeProvider);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
