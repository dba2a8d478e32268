namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>sync</c>: one poll cycle per tenant and resource into the CRM (SQLite or PostgreSQL); tenants run side by side.</summary>
internal static class SyncCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var (time, output) = (environment.Time, environment.Output);
        var settings = SampleSettings.Resolve(input, environment.Configuration);
        var tuning = ConnectionTuning.From(environment.Configuration);
        if (settings.VomoUrl is null || settings.Tenants.Count == 0)
        {
            throw new UsageException("'sync' needs --vomo-url URL and at least one --token NAME=TOKEN (or Vomo:Url and Vomo:Tokens in appsettings.json).");
        }

        var dashboard = input.Dashboard is { } url ? DashboardHost.Parse(url) : null;
        if (input.Watch)
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
        await session.PurgeHistoryAsync(cancellationToken);
        return ExitCodes.Of(runs);
    }
}
