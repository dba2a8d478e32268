namespace SyncKit.Sqlite.Tests;

/// <summary>Where the store's file goes: its directories are created, and a relative path is resolved once.</summary>
public sealed class SqliteStorePathTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task InitializeAsync_DirectoriesMissing_CreatesThemAndTheFile()
    {
        var path = Path.Combine(_database.Directory, "state", "nested", "synckit.db");
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = $"Data Source={path}" });

        await store.InitializeAsync();

        File.Exists(path).Should().BeTrue();
        store.DatabasePath.Should().Be(path);
    }

    [Fact]
    public void Constructor_RelativePath_ResolvesAgainstTheCurrentDirectory()
    {
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = "state/synckit.db" });

        store.DatabasePath.Should().Be(Path.Combine(Directory.GetCurrentDirectory(), "state", "synckit.db"), "created directly, the store has no content root");
    }
}
