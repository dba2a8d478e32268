using Microsoft.Extensions.Hosting;

namespace SyncKit.Sqlite.Internal;

/// <summary>Opens and migrates the store when the host starts, so a bad file stops the host at once instead of failing the first run.</summary>
internal sealed class SqliteStoreInitializer(SqliteSyncStateStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
