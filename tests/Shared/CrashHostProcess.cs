using System.Diagnostics;
using System.Text;

namespace SyncKit.CrashHost;

/// <summary>
/// Runs the crash host (<c>SyncKit.CrashHost.dll</c>, built beside the test project through a project reference
/// that does not reference its assembly) as a real child process, and SIGKILLs it at an instant chosen by
/// counting its progress lines, not by sleeping.
/// </summary>
internal static class CrashHostProcess
{
    /// <summary>The crash host's assembly: the same configuration and framework folders as the running test assembly.</summary>
    public static string DllPath { get; } = FindDll();

    /// <summary>
    /// Starts the host with <paramref name="arguments"/> and kills it (the whole process tree, with SIGKILL) once it
    /// has printed <paramref name="killAfterProgressLines"/> progress lines; otherwise lets it finish.
    /// </summary>
    /// <returns>Whether it was killed, its exit code, and everything it printed.</returns>
    public static async Task<CrashHostResult> RunAsync(IReadOnlyList<string> arguments, int killAfterProgressLines, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
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
                if (line.StartsWith("progress ", StringComparison.Ordinal) && ++progressLines >= killAfterProgressLines)
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
            throw new TimeoutException($"The crash host ran longer than {timeout}. Output so far:\n{output}");
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
