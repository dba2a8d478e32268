using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing.Xunit;

namespace SyncKit.Sqlite.Tests;

/// <summary>The SQLite store passes the conformance kit, each case on its own file.</summary>
public sealed class SqliteStateStoreConformanceTests : StateStoreConformanceTests
{
    private TempDatabase? _database;

    protected override bool HasDbTransaction => true;

    protected override async ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider)
    {
        _database = new TempDatabase();
        var store = _database.OpenStore(timeProvider);
        await store.InitializeAsync();
        return store;
    }

    protected override async ValueTask DisposeStoreAsync(ISyncStateStore store)
    {
        await base.DisposeStoreAsync(store);
        _database?.Dispose();
    }
}
