using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Sqlite.Tests;

/// <summary>The SQLite store passes the conformance kit, each test on its own file.</summary>
public sealed class SqliteStateStoreConformanceTests : StateStoreConformanceTests
{
    private readonly TempDatabase _database = new();

    protected override async ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider)
    {
        var store = _database.OpenStore(timeProvider);
        await store.InitializeAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
