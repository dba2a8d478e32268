using System.Runtime.InteropServices;
using SyncKit.Samples.Vomo.Cli;

// The VOMO sample's entry point: `dotnet run --project samples/SyncKit.Samples.Vomo -- <command> [options]`.
// The commands, options and exit codes are the contract in this folder's README.md ("Command line"); a usage error
// prints what is wrong on standard error, never a stack trace, and exits 2.
using var stop = new CancellationTokenSource();

// Ctrl+C and SIGTERM ask for a graceful stop; a second signal is not needed (and SIGKILL loses nothing).
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return await new VomoCli(CommandEnvironment.Default()).RunAsync(args, Console.Error, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
