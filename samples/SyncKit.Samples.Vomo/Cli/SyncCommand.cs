using Microsoft.Extensions.Configuration;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>sync</c>: one poll cycle per tenant and resource into the CRM (SQLite or PostgreSQL); tenants run side by side.</summary>
internal static class SyncCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, Configuration(), TimeProvider.System, Console.Out, cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, IConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken, Action<SyncJobOptions>? configure = null)
    {
        var settings = SampleSettings.Resolve(line, configuration);
        var tuning = ConnectionTuning.From(configuration);
        if (settings.VomoUrl is null || settings.Tenants.Count == 0)
        {
            throw new UsageException("'sync' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        if (line.Value("dashboard") is not null)
        {
            throw new UsageException("'--dashboard' is not available in this build of the sample yet.");
        }

        if (line.Flag("watch"))
        {
            return await WatchCommand.RunAsync(settings, tuning, configuration, time, output, cancellationToken);
        }

        await using var session = await SyncSession.OpenAsync(settings, settings.VomoUrl, settings.Tokens, settings.Tenants, tuning, time, configure, cancellationToken);
        IReadOnlyList<RunRecord> runs;
        await using (LiveProgress.Start(session.Tenants.SelectMany(t => t.Jobs).Select(j => j.Id), output, time))
        {
            runs = await session.RunCycleAsync(cancellationToken);
        }

        await RunReport.WriteRunsAsync(output, runs);
        return session.Tenants.Select(t => TenantSync.ExitCodeOf(runs.Where(r => r.Job.Tenant == t.Tenant))).DefaultIfEmpty(ExitCodes.Done).Max();
    }

    /// <summary>The settings files and environment variables the Generic Host would read.</summary>
    public static IConfiguration Configuration() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
}
