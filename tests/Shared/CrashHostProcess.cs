using System.Diagnostics;
using System.Globalization;
using System.Text;
using FluentAssertions;

namespace SyncKit.CrashHost;

/// <summary>
/// Runs the crash host (<c>SyncKit.CrashHost.dll</c>, built beside the test project through a project reference
/// that does not reference its assembly) as a real child process, and SIGKILLs it at an instant chosen by
/// counting its progress lines, not by sleeping.
/// </summary>
internal static class CrashHostProcess
{
    private static readonly Lazy<string> CrashHostDll = new(FindDll);

    /// <summary>The crash host's assembly: the same configuration and framework folders as the running test assembly.</summary>
    public static string DllPath => CrashHostDll.Value;

    private const int RecordsPerProgressLine = 100;

    /// <summary>
    /// Syncs <paramref name="records"/> records with the host in <paramref name="mode"/>, SIGKILLing it
    /// <paramref name="kills"/> times at random instants and restarting it, until a run finishes. After every
    /// kill <paramref name="checkAfterKill"/> checks the state on disk (given a description for messages that
    /// names the seed) and returns how many records the checkpoint covers. The seed comes from
    /// <c>SYNCKIT_CRASH_SEED</c> when set, so a failure replays.
    /// </summary>
    public static async Task RunWithKillsAsync(string mode, string path, int records, int kills, Func<string, Task<int>> checkAfterKill, Action<string> log)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SYNCKIT_CRASH_SEED"), CultureInfo.InvariantCulture, out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        log($"seed {seed} (set SYNCKIT_CRASH_SEED to replay)");
        var random = new Random(seed);
        var killed = 0;
        var covered = 0;
        while (true)
        {
            var killAfter = killed < kills ? KillAfter(random, (records - covered) / RecordsPerProgressLine, kills - killed) : int.MaxValue;
            var run = await RunAsync([mode, path, records.ToString(CultureInfo.InvariantCulture)], killAfter, TimeSpan.FromMinutes(1));
            if (!run.Killed)
            {
                run.ExitCode.Should().Be(0, $"the last run finishes (seed {seed}):\n{run.Output}");
                break;
            }

            killed++;
            covered = await checkAfterKill($"after kill {killed} (seed {seed})");
            log($"kill {killed} after {killAfter} progress lines: the checkpoint covers {covered} records");
        }

        killed.Should().Be(kills, $"seed {seed}");
    }

    /// <summary>
    /// How many progress lines to let pass before the next kill: at most an equal share of what is left, so the
    /// kills spread over the whole sync. The child runs on while the parent reads, so it gets further than the
    /// count says; once too little is left for that, a kill lands during start-up (count 0: at its first line).
    /// </summary>
    private static int KillAfter(Random random, int remainingLines, int killsLeft) =>
        remainingLines > 4 * killsLeft ? random.Next(1, (remainingLines / (killsLeft + 1)) + 1) : 0;

    /// <summary>
    /// Starts the host with <paramref name="arguments"/> and kills it (the whole process tree, with SIGKILL) once it
    /// has printed <paramref name="killAfterProgressLines"/> progress lines; otherwise lets it finish.
    /// </summary>
    /// <returns>Whether it was killed, its exit code, and everything it printed.</returns>
    public static Task<CrashHostResult> RunAsync(IReadOnlyList<string> arguments, int killAfterProgressLines, TimeSpan timeout) =>
        RunAsync(DllPath, arguments, killAfterProgressLines, timeout);

    /// <summary>
    /// Starts another program that prints <c>progress</c> lines (<paramref name="dllPath"/>, with
    /// <paramref name="environment"/> added to its environment) and kills it the same way.
    /// </summary>
    public static async Task<CrashHostResult> RunAsync(string dllPath, IReadOnlyList<string> arguments, int killAfterProgressLines, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(dllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The crash host did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        using var deadline = new CancellationTokenSource(timeout);
        var progressLines = 0;
        var killed = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.StartsWith("progress ", StringComparison.Ordinal))
                {
                    progressLines++;
                }

                if (progressLines >= killAfterProgressLines)
                {
                    process.Kill(entireProcessTree: true);
                    killed = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dllPath)} ran longer than {timeout}. Output so far:\n{output}");
        }

        await process.WaitForExitAsync(CancellationToken.None);
        output.Append(await error);
        return new CrashHostResult(killed, process.ExitCode, output.ToString());
    }

    private static string FindDll()
    {
        // AppContext.BaseDirectory is tests/<project>/bin/<configuration>/<framework>/.
        var framework = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = framework.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "SyncKit.CrashHost", "bin", configuration.Name, framework.Name, "SyncKit.CrashHost.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The crash host is not built at {path}; the test project references it so a build makes it.", path);
    }
}

/// <summary>How a crash host run ended.</summary>
internal sealed record CrashHostResult(bool Killed, int ExitCode, string Output);
