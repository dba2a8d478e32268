using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The tenants' streams registered with a Generic Host (<c>services.AddSyncKit</c>) on the database's own store, so
/// the CRM rows commit in the store's transaction: what <c>sync --watch</c> polls, and what the dashboard of
/// <c>sync --watch</c> and <c>demo</c> shows and acts on. The jobs are the wiring's, as every command's are.
/// </summary>
internal sealed class HostedTenants(VomoWiring wiring, IConfiguration configuration)
{
    /// <summary>Adds the sample's configuration, logging and clock, and SyncKit with every tenant's streams.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="scheduler">How SyncKit's hosted scheduler runs the jobs.</param>
    public void Configure(IHostApplicationBuilder builder, Action<SyncSchedulerOptions> scheduler)
    {
        builder.Configuration.AddConfiguration(configuration);

        // Retries are expected against VOMO and show in the progress; log only what needs an operator.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("SyncKit", LogLevel.Error);
        builder.Services.AddSingleton(wiring.Time);
        builder.Services.AddSyncKit(kit =>
        {
            kit.UseStore(_ => wiring.Crm.Store).ConfigureScheduler(scheduler);
            wiring.Register(kit);
        });
    }
}
