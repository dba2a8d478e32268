namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>backfill --tenant T --resource R --from TS --to TS</c>: re-syncs a past window through the real CRM
/// destination (idempotent writes; welcomes still go through the dedup store) without touching the checkpoint.
/// </summary>
internal static class BackfillCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var (from, to) = input.Window();
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: true, cancellationToken);
        var run = await context.RequiredJob().BackfillAsync(new WindowOperations(context.Engine), from, to, cancellationToken);
        await context.Output.WriteLineAsync(RunText.Summary(run));
        await context.Output.WriteLineAsync($"Backfilled {RunText.Time(from)} .. {RunText.Time(to)} (run {run.RunId}); the checkpoint was not moved.");
        return ExitCodes.Of([run]);
    }
}
