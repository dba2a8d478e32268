using Microsoft.Extensions.Configuration;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>sync</c>: one poll cycle per tenant and resource into the CRM (SQLite or PostgreSQL); tenants run side by side.</summary>
internal static class SyncCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, Configuration(), TimeProvider.System, Console.Out, cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, IConfiguration configuration, TimeProvider time, TextWriter output, CancellationToken cancellationToken, Action<SyncJobOptions>? configure = null)
    {
        var environment = new CommandEnvironment(configuration, time, output, configure);
        var settings = SampleSettings.Resolve(line, configuration);
        var tuning = ConnectionTuning.From(configuration);
        if (settings.VomoUrl is null || settings.Tenants.Count == 0)
        {
            throw new UsageException("'sync' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        var dashboard = line.Value("dashboard") is { } url ? DashboardHost.Parse(url) : null;
        if (line.Flag("watch"))
        {
            return await WatchCommand.RunAsync(settings, tuning, environment, dashboard, cancellationToken);
        }

        if (dashboard is not null)
        {
            throw new UsageException("'--dashboard' is served while 'sync --watch' runs; add --watch.");
        }

        await using var session = await SyncSession.OpenAsync(settings, tuning, environment, cancellationToken);
        IReadOnlyList<RunRecord> runs;
        await using (LiveProgress.Start(session.Tenants.SelectMany(t => t.Jobs).Select(j => j.Id), output, time))
        {
            runs = await session.RunCycleAsync(cancellationToken);
        }

        await RunReport.WriteRunsAsync(output, runs);
        return ExitCodes.Of(runs);
    }

    /// <summary>The settings files and environment variables the Generic Host would read.</summary>
    public static IConfiguration Configuration() =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
}
