using System.Text.Json;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary><c>runs list [--tenant T] [--limit N]</c>: run history, newest first: id, job, start, end, outcome, counts, cursor range.</summary>
internal static class RunsCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, CommandEnvironment.Default(), cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var limit = Arguments.Number(line, "limit", 1, 100_000, 20);
        await using var context = await CommandContext.OpenAsync(line, environment, talksToVomo: false, cancellationToken);
        var runs = await new RunHistory(context.Engine).QueryAsync(new RunQuery { Tenant = context.Settings.Tenant, Limit = limit }, cancellationToken);
        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize([.. runs.Select(RunView.Of)], CliJsonContext.Default.IReadOnlyListRunView));
            return ExitCodes.Done;
        }

        foreach (var run in runs)
        {
            var counts = run.Counts;
            await context.Output.WriteLineAsync(
                $"{run.RunId}  {run.Job,-22} {run.Kind,-25} {Arguments.Text(run.StartedAt)} .. {Arguments.Text(run.EndedAt)}  {run.Outcome,-24} " +
                $"read {counts.Read} written {counts.Written} skipped {counts.Skipped} dead-lettered {counts.DeadLettered}  " +
                $"cursor {run.CursorFrom?.ToString() ?? "-"} -> {run.CursorTo?.ToString() ?? "-"}{(run.Error is null ? string.Empty : $"  {run.Error}")}");
        }

        return ExitCodes.Done;
    }
}
