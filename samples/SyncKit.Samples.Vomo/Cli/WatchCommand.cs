using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>sync --watch</c>: the three streams registered with the Generic Host (<c>services.AddSyncKit</c>) and polled by
/// SyncKit's scheduler at each tenant's cadence until Ctrl+C or SIGTERM, which let the runs in flight commit what
/// finished. Each tenant has its own source name (so its own circuit breaker) and request budget. With
/// <c>--dashboard URL</c> the host is a web application serving the operations dashboard and <c>/metrics</c>
/// (see <see cref="DashboardHost"/>).
/// </summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(SampleSettings settings, ConnectionTuning tuning, CommandEnvironment environment, Uri? dashboard, CancellationToken cancellationToken)
    {
        var (time, output) = (environment.Time, environment.Output);

        // The host runs on the database's own store, so the CRM rows commit in the store's transaction.
        await using var wiring = await VomoWiring.OpenAsync(settings, tuning, time, environment.Configure, dryRun: false, cancellationToken);
        var tenants = new HostedTenants(wiring, environment.Configuration);
        void Configure(IHostApplicationBuilder builder) => tenants.Configure(builder, s =>
        {
            // Every tenant's streams may poll at once; first runs are spread over a few seconds.
            s.MaxConcurrentRuns = Math.Max(1, settings.Tenants.Count * VomoStreams.All.Count);
            s.StartupStagger = TimeSpan.FromSeconds(5);
        });

        using var host = dashboard is null ? Watch(Configure) : DashboardHost.Build(dashboard, Configure);
        var runner = host.Services.GetRequiredService<SyncJobRunner>();
        var store = host.Services.GetRequiredService<ISyncStateStore>();
        await output.WriteLineAsync($"Watching {settings.Tenants.Count} tenant(s) every {tuning.Cadence:g}; Ctrl+C stops after the runs in flight commit.");
        if (dashboard is not null)
        {
            await DashboardHost.WriteAddressAsync(output, dashboard);
        }

        await using (LiveProgress.Start(runner.Jobs, output, time))
        {
            try
            {
                await host.StartAsync(cancellationToken);
                await host.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped before the host finished starting.
            }
        }

        // The exit code follows the last run of each job: a tenant stopped on 401/403 is not polled again.
        var last = new List<RunRecord>();
        foreach (var job in runner.Jobs)
        {
            last.AddRange(await store.Runs.QueryRunsAsync(RunQuery.ForJob(job) with { Kind = RunKind.Sync, Limit = 1 }, CancellationToken.None));
        }

        await RunReport.WriteRunsAsync(output, last);
        return ExitCodes.Of(last.Where(r => r.Outcome != RunOutcome.Cancelled));
    }

    /// <summary>The host without a web server, when no dashboard is asked for.</summary>
    private static IHost Watch(Action<IHostApplicationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
        configure(builder);
        return builder.Build();
    }
}
