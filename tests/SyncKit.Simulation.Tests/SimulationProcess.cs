using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SyncKit.Simulation.Tests;

/// <summary>
/// Runs the simulation (<c>SyncKit.Simulation.dll</c>, built beside this project) as a child process: it needs a thread
/// pool of one thread, which a test host cannot give it.
/// </summary>
internal static partial class SimulationProcess
{
    private static readonly Lazy<string> Dll = new(FindDll);

    public static async Task<SimulationRun> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll.Value);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The simulation did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The simulation ran longer than {timeout}. Output so far:\n{await output}{await error}");
        }

        var text = await output + await error;
        var summary = Summary().Match(text);
        return new SimulationRun(
            process.ExitCode,
            summary.Success ? int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            summary.Success ? int.Parse(summary.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            text);
    }

    [GeneratedRegex(@"(?<seeds>\d+) seeds, (?<passed>\d+) passed, (?<failed>\d+) failed")]
    private static partial Regex Summary();

    private static string FindDll()
    {
        // AppContext.BaseDirectory is tests/<project>/bin/<configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = framework.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "SyncKit.Simulation", "bin", configuration.Name, framework.Name, "SyncKit.Simulation.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The simulation is not built at {path}; the test project references it so a build makes it.", path);
    }
}

/// <summary>How a simulation run ended: its exit code, the seeds that passed and failed, and everything it printed.</summary>
internal sealed record SimulationRun(int ExitCode, int Passed, int Failed, string Output)
{
    /// <summary>The fingerprint the run printed for <paramref name="seed"/>.</summary>
    public string FingerprintOf(int seed) =>
        Regex.Match(Output, $@"seed {seed} \w+ \[(?<fingerprint>[0-9a-f]+)\]").Groups["fingerprint"].Value;
}
