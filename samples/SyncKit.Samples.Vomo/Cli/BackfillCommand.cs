namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>backfill --tenant T --resource R --from TS --to TS</c>: re-syncs a past window through the real CRM
/// destination (idempotent writes; welcomes still go through the dedup store) without touching the checkpoint.
/// </summary>
internal static class BackfillCommand
{
    public static Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken) =>
        RunAsync(line, CommandEnvironment.Default(), cancellationToken);

    public static async Task<int> RunAsync(CommandLine line, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var (from, to) = Arguments.Window(line);
        await using var context = await CommandContext.OpenAsync(line, environment, talksToVomo: true, cancellationToken);
        var run = await context.RequiredJob().BackfillAsync(new WindowOperations(context.Engine), from, to, cancellationToken);
        await context.Output.WriteLineAsync(RunText.Summary(run));
        await context.Output.WriteLineAsync($"Backfilled {Arguments.Text(from)} .. {Arguments.Text(to)} (run {run.RunId}); the checkpoint was not moved.");
        return ExitCodes.Of([run]);
    }
}
