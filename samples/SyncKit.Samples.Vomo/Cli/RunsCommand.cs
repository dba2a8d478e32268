using System.Text.Json;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>runs list [--tenant T] [--limit N]</c>: run history, newest first: id, job, start, end, outcome, counts, cursor range.</summary>
internal static class RunsCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: false, cancellationToken);
        var runs = await new RunHistory(context.Engine).QueryAsync(new RunQuery { Tenant = context.Settings.Tenant, Limit = input.Limit }, cancellationToken);
        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize([.. runs.Select(RunView.Of)], CliJsonContext.Default.IReadOnlyListRunView));
            return ExitCodes.Done;
        }

        foreach (var run in runs)
        {
            var counts = run.Counts;
            await context.Output.WriteLineAsync(
                $"{run.RunId}  {run.Job,-22} {run.Kind,-25} {RunText.Time(run.StartedAt)} .. {RunText.Time(run.EndedAt)}  {run.Outcome,-24} " +
                $"read {counts.Read} written {counts.Written} skipped {counts.Skipped} dead-lettered {counts.DeadLettered}  " +
                $"cursor {run.CursorFrom?.ToString() ?? "-"} -> {run.CursorTo?.ToString() ?? "-"}{(run.Error is null ? string.Empty : $"  {run.Error}")}");
        }

        return ExitCodes.Done;
    }
}
