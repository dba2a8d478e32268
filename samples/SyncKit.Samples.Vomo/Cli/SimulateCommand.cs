using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>simulate --port P [--seed S]</c>: runs the VOMO simulator alone and prints its base URL and the tenants' tokens.</summary>
internal static class SimulateCommand
{
    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var options = new SimulatorOptions
        {
            Port = Arguments.Number(line, "port", 0, 65_535, 0),
            Seed = Arguments.Number(line, "seed", int.MinValue, int.MaxValue, 1),
            Faults = FaultOptions.Hostile,
        };
        await using var simulator = await VomoSimulator.StartAsync(options, cancellationToken: cancellationToken);
        Console.WriteLine($"VOMO simulator at {simulator.BaseUrl}  (seed {options.Seed}; Ctrl+C stops it)");
        foreach (var tenant in simulator.Tenants)
        {
            Console.WriteLine($"  --token {tenant.Name}={tenant.Token}");
        }

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop serving.
        }

        return ExitCodes.Done;
    }
}
