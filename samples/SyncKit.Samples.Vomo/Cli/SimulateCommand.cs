using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>simulate --port P [--seed S]</c>: runs the VOMO simulator alone and prints its base URL and the tenants' tokens.</summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var options = new SimulatorOptions
        {
            Port = input.Port,
            Seed = input.Seed,
            Faults = FaultOptions.Hostile,
        };
        await using var simulator = await VomoSimulator.StartAsync(options, cancellationToken: cancellationToken);
        await environment.Output.WriteLineAsync($"VOMO simulator at {simulator.BaseUrl}  (seed {options.Seed}; Ctrl+C stops it)");
        foreach (var tenant in simulator.Tenants)
        {
            await environment.Output.WriteLineAsync($"  --token {tenant.Name}={tenant.Token}");
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, environment.Time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop serving.
        }

        return ExitCodes.Done;
    }
}
