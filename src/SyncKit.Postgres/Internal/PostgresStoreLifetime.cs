using Microsoft.Extensions.Hosting;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// Starts the store with the host, so an unreachable server, rejected credentials or a newer schema stop
/// the host at startup with a clear message, and releases this instance's leases when the host stops.
/// </summary>
internal sealed class PostgresStoreLifetime(PostgresSyncStateStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken).AsTask();

    public Task StopAsync(CancellationToken cancellationToken) => store.ReleaseLeasesAsync(cancellationToken);
}
