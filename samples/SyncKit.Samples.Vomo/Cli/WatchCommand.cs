using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>sync --watch</c>: the three streams registered with the Generic Host (<c>services.AddSyncKit</c>) and polled by
/// SyncKit's scheduler at each tenant's cadence until Ctrl+C or SIGTERM, which let the runs in flight commit what
/// finished. Each tenant has its own source name (so its own circuit breaker) and request budget.
/// </summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(SampleSettings settings, ConnectionTuning tuning, IConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        // The host runs on the database's own store, so the CRM rows commit in the store's transaction.
        await using var crm = await SyncSession.OpenDatabaseAsync(settings, time, cancellationToken);
        using var http = new HttpClient();
        var clients = settings.Tenants.ToDictionary(
            t => t,
            t => new VomoClient(http, new VomoConnection(settings.Tokens[t], settings.VomoUrl) { RequestTimeout = tuning.RequestTimeout }, time));
        var budgets = settings.Tenants.ToDictionary(t => t, _ => TenantSync.Budget(tuning));
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
            builder.Configuration.AddConfiguration(configuration);
            // Retries are expected against VOMO and show in the progress; log only what needs an operator.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("SyncKit", LogLevel.Error);
            builder.Services.AddSingleton(time);
            builder.Services.AddSyncKit(kit =>
            {
                kit.UseStore(_ => crm.Store)
                    .ConfigureScheduler(s =>
                    {
                        // Every tenant's streams may poll at once; first runs are spread over a few seconds.
                        s.MaxConcurrentRuns = Math.Max(1, settings.Tenants.Count * VomoStreams.All.Count);
                        s.StartupStagger = TimeSpan.FromSeconds(5);
                    });
                foreach (var stream in VomoStreams.All)
                {
                    stream.Register(kit, crm, clients, tuning.SourceOptions(), (tenant, options) => TenantSync.Configure(options, tenant, budgets[tenant], tuning), time);
                }
            });

            using var host = builder.Build();
            var runner = host.Services.GetRequiredService<SyncJobRunner>();
            var store = host.Services.GetRequiredService<ISyncStateStore>();
            await output.WriteLineAsync($"Watching {settings.Tenants.Count} tenant(s) every {tuning.Cadence:g}; Ctrl+C stops after the runs in flight commit.");
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
            return TenantSync.ExitCodeOf(last.Where(r => r.Outcome != RunOutcome.Cancelled));
        }
        finally
        {
            foreach (var budget in budgets.Values)
            {
                budget.Dispose();
            }
        }
    }
}
