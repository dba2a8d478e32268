using System.Text.Json;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>replay --tenant T --resource R --from TS --to TS</c>: a dry run over a past window. Prints the operations
/// that would run (a write, or unchanged when the CRM already holds that version); writes nothing anywhere.
/// </summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var (from, to) = input.Window();
        // A dry run has no effect anywhere: it does not even post the welcomes earlier runs left due.
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: true, cancellationToken, dryRun: true);
        var job = context.RequiredJob();
        var (run, operations) = await job.ReplayAsync(new WindowOperations(context.Engine), from, to, cancellationToken);
        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(operations, CliJsonContext.Default.IReadOnlyListReplayLine));
        }
        else
        {
            foreach (var operation in operations)
            {
                await context.Output.WriteLineAsync($"{operation.Action,-9} {operation.Job} {operation.Key,-10} {RunText.Time(operation.UpdatedAt)}  {operation.Record.GetRawText()}");
            }

            var writes = operations.Count(o => o.Action == nameof(ReplayAction.Write));
            await context.Output.WriteLineAsync($"{operations.Count} operation(s) over {RunText.Time(from)} .. {RunText.Time(to)}: {writes} write(s), {operations.Count - writes} unchanged. Dry run: nothing was written.");
            if (run.Error is not null)
            {
                await context.Output.WriteLineAsync($"{run.Job} {run.Outcome}: {run.Error}");
            }
        }

        return ExitCodes.Of([run]);
    }
}
