using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>demo</c> (and no command at all): the built-in VOMO simulator on loopback with three tenants, faults and live
/// changes, synced into <c>./vomo-sync.db</c> with live progress, then the run summary and each tenant's health.
/// Ctrl+C stops gracefully; a re-run resumes from the checkpoints. With <c>--dashboard URL</c> the jobs run on a
/// <see cref="DashboardHost"/>'s engine, which serves the dashboard and <c>/metrics</c> while the demo runs and after,
/// until Ctrl+C.
/// </summary>
internal static class DemoCommand
{
    /// <summary>
    /// Every fault is on, at rates and delays that let a first sync of three 5,000-user tenants (two passes of pages
    /// of 15 over each) end within a minute on two cores: a slow response outlasts <see cref="Tuning"/>'s timeout.
    /// </summary>
    public static SimulatorOptions SimulatorOptions { get; } = new()
    {
        MaxReplicaLag = TimeSpan.FromSeconds(2),
        RateLimit = new RateLimitOptions { PermitsPerSecond = 100, Burst = 20 },
        Faults = new FaultOptions
        {
            ServerErrors = 0.01,
            Unavailable = 0.01,
            DroppedConnections = 0.01,
            SlowResponses = 0.002,
            SlowResponseDelay = TimeSpan.FromSeconds(3),
        },
    };

    /// <summary>The connector's settings for the demo's simulator: just under its budget, and its replica lag.</summary>
    public static ConnectionTuning Tuning { get; } = new()
    {
        RequestsPerSecond = 90,
        RequestTimeout = TimeSpan.FromSeconds(1.5),
        ReplicaLag = SimulatorOptions.MaxReplicaLag,
        RetryBaseDelay = TimeSpan.FromMilliseconds(100),
    };

    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var (configuration, time, output) = (environment.Configuration, environment.Time, environment.Output);
        var settings = SampleSettings.Resolve(input, configuration);
        var dashboard = input.Dashboard is { } value ? DashboardHost.Parse(value) : null;
        await using var simulator = settings.VomoUrl is null ? await VomoSimulator.StartAsync(SimulatorOptions, cancellationToken: cancellationToken) : null;
        var tuning = simulator is null ? ConnectionTuning.From(configuration) : Tuning;
        if (simulator is not null)
        {
            settings = settings.WithVomo(simulator.BaseUrl, simulator.Tenants.ToDictionary(t => t.Name, t => t.Token), [.. simulator.Tenants.Select(t => t.Name)]);
            var sizes = string.Join(", ", simulator.Tenants.Select(t => $"{t.Name} ({t.Users().Count:#,0} users, {t.Projects().Count} projects, {t.Groups().Count} groups)"));
            await output.WriteLineAsync($"VOMO simulator at {simulator.BaseUrl}: {sizes}; faults and live changes on.");
        }

        await output.WriteLineAsync($"Syncing into {settings.SqlitePath ?? "PostgreSQL"} (Ctrl+C stops; run again to resume from the checkpoints).");
        await using var session = await SyncSession.OpenAsync(settings, tuning, environment, cancellationToken, dashboard);
        if (session.Dashboard is { } served)
        {
            await served.StartAsync(cancellationToken);
            await DashboardHost.WriteAddressAsync(output, served.Url);
        }

        IReadOnlyList<RunRecord> runs;
        await using (LiveProgress.Start(session.Tenants.SelectMany(t => t.Jobs).Select(j => j.Id), output, time))
        {
            runs = await session.RunCycleAsync(cancellationToken);
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync(cancellationToken.IsCancellationRequested ? "Stopped: what finished is committed; run again to resume." : "Run summary:");
        await RunReport.WriteRunsAsync(output, runs);
        await output.WriteLineAsync();
        await RunReport.WriteHealthAsync(output, session.Engine, session.Tenants.SelectMany(t => t.Monitored), CancellationToken.None);
        if (session.Dashboard is { } open && !cancellationToken.IsCancellationRequested)
        {
            // The point of the dashboard is to look at what the demo did: it stays up until the person is done.
            await output.WriteLineAsync($"The dashboard stays at {open.Url} to look around; Ctrl+C stops.");
            await open.ServeUntilStoppedAsync(cancellationToken);
        }

        return ExitCodes.Of(runs);
    }
}
