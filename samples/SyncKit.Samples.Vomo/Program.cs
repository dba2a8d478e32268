using System.Runtime.InteropServices;
using SyncKit.Samples.Vomo.Cli;

// The VOMO sample's entry point: `dotnet run --project samples/SyncKit.Samples.Vomo -- <command> [options]`.
// Exit codes are SAMPLE.md's; user errors print one line naming the problem, never a stack trace.
using var stop = new CancellationTokenSource();

// Ctrl+C and SIGTERM ask for a graceful stop; a second signal is not needed (and SIGKILL loses nothing).
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var line = CommandLine.Parse(args);
    if (line.Command.Run is not { } run)
    {
        throw new UsageException($"'{line.Command.Name}' is not available in this build of the sample yet.");
    }

    return await run(line, stop.Token);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.BadArguments;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
