using System.Diagnostics;
using System.Text;
using SyncKit.Samples.Vomo.Cli;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>Runs the sample as a real child process and SIGKILLs it after a number of output lines, counted, never timed.</summary>
public static class SampleProcess
{
    /// <summary>The sample's program: the console host's assembly, which <c>dotnet</c> runs.</summary>
    public static string Program => typeof(VomoCli).Assembly.Location;

    /// <summary>Starts the sample with <paramref name="arguments"/>; kills it (SIGKILL) once it printed <paramref name="killAfterLines"/> lines.</summary>
    public static async Task<(bool Killed, int ExitCode, string Output)> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, int killAfterLines, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The sample did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = new StringBuilder();
        using var deadline = new CancellationTokenSource(timeout);
        var lines = 0;
        var killed = false;
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                output.AppendLine(line);
                if (++lines >= killAfterLines)
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
            throw new TimeoutException($"The sample ran longer than {timeout}. Output so far:\n{output}");
        }

        await process.WaitForExitAsync(CancellationToken.None);
        output.Append(await error);
        return (killed, process.ExitCode, output.ToString());
    }
}
