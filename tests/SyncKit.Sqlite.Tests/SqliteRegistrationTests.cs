using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SyncKit.Sqlite.Tests;

/// <summary><c>AddSyncKit(b => b.UseSqlite(...))</c>: the store is the host's, and a bad setting or file stops the host at start.</summary>
public sealed class SqliteRegistrationTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task UseSqlite_HostStarts_TheEngineUsesTheMigratedSqliteStore()
    {
        using var host = BuildHost(b => b.UseSqlite(_database.Path));

        await host.StartAsync();

        var store = host.Services.GetRequiredService<ISyncStateStore>();
        store.Should().BeOfType<SqliteSyncStateStore>().Which.DatabasePath.Should().Be(_database.Path);
        host.Services.GetRequiredService<SyncEngine>().Store.Should().BeSameAs(store);
        File.Exists(_database.Path).Should().BeTrue("the file is created and migrated at start-up");
        await host.StopAsync();
    }

    [Fact]
    public async Task UseSqlite_RelativePath_ResolvesAgainstTheContentRootAndCreatesItsDirectory()
    {
        // A service manager starts the process elsewhere (systemd: /, Windows services: System32); the content root
        // is the app's folder.
        var contentRoot = Directory.CreateDirectory(Path.Combine(_database.Directory, "app")).FullName;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        builder.Services.AddSyncKit(b => b.UseSqlite("state/synckit.db"));
        using var host = builder.Build();

        await host.StartAsync();

        var expected = Path.Combine(contentRoot, "state", "synckit.db");
        host.Services.GetRequiredService<SqliteSyncStateStore>().DatabasePath.Should().Be(expected);
        File.Exists(expected).Should().BeTrue("the missing state/ directory is created and the file migrated at start-up");
        Directory.Exists(Path.Combine(Directory.GetCurrentDirectory(), "state")).Should().BeFalse("nothing is created under the current directory");
        await host.StopAsync();
    }

    [Fact]
    public async Task UseSqlite_FileIsNotADatabase_StopsTheHostAtStart()
    {
        File.WriteAllText(_database.Path, new string('x', 4_096));
        using var host = BuildHost(b => b.UseSqlite(_database.Path));

        var start = () => host.StartAsync();

        await start.Should().ThrowAsync<InvalidOperationException>().WithMessage("*is not a SQLite database*");
    }

    [Fact]
    public async Task UseSqlite_InvalidOptions_StopTheHostAtStartNamingTheSetting()
    {
        using var host = BuildHost(b => b.UseSqlite(o =>
        {
            o.ConnectionString = string.Empty;
            o.BusyTimeout = TimeSpan.FromHours(2);
        }));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain(nameof(SqliteStateStoreOptions.ConnectionString)).And.Contain(nameof(SqliteStateStoreOptions.BusyTimeout));
    }

    private static IHost BuildHost(Action<SyncKitBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSyncKit(configure);
        return builder.Build();
    }
}
