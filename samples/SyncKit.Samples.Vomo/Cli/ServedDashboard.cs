using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>demo --dashboard URL</c>: the tenants registered with a <see cref="DashboardHost"/> whose scheduler stays off,
/// so the demo runs each job itself on the host's engine, and the dashboard, <c>/metrics</c> and the dashboard's
/// actions see the same runs, breakers and meter as the demo.
/// </summary>
internal sealed class ServedDashboard : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _running;

    public ServedDashboard(Uri url, HostedTenants tenants)
    {
        Url = url;
        _app = DashboardHost.Build(url, builder => tenants.Configure(builder, scheduler => scheduler.Enabled = false));
    }

    public Uri Url { get; }

    /// <summary>The host's engine, on the database's store: the one the demo runs its jobs on.</summary>
    public SyncEngine Engine => _app.Services.GetRequiredService<SyncEngine>();

    /// <summary>Starts listening.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _app.StartAsync(cancellationToken);
        _running = true;
    }

    /// <summary>Keeps serving until Ctrl+C or SIGTERM, then stops the host.</summary>
    public async Task ServeUntilStoppedAsync(CancellationToken cancellationToken)
    {
        await _app.WaitForShutdownAsync(cancellationToken);
        _running = false;
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped by Ctrl+C during the demo's cycle: the host still stops gracefully, requests in flight first.
        if (_running)
        {
            await _app.StopAsync(CancellationToken.None);
        }

        await _app.DisposeAsync();
    }
}
