namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>checkpoint show|reset --tenant T --resource R [--to TS]</c>: shows a checkpoint, or moves it to a timestamp
/// (the next sync opens a window there) or, without <c>--to</c>, removes it (the next sync reads everything).
/// A reset is recorded in run history. The tenant must be a configured one (with a token), so a mistyped name never
/// leaves a phantom checkpoint.
/// </summary>
internal static class CheckpointCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        // Every argument is checked before the store is opened: a mistake creates no file and writes nothing.
        var tenant = SampleSettings.Resolve(input, environment.Configuration, tenantNeedsToken: false).KnownTenant(input);
        var job = input.RequiredResource.Id(tenant);
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: false, cancellationToken);
        var operations = new CheckpointOperations(context.Engine);
        if (input.Subcommand == "show")
        {
            var checkpoint = await operations.ShowAsync(job, cancellationToken);
            await context.Output.WriteLineAsync(checkpoint.Position is { } position
                ? $"{job}: {position}  (lag {checkpoint.Lag?.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "-"})"
                : $"{job}: no checkpoint (the next sync reads everything)");
            return ExitCodes.Done;
        }

        var run = await operations.ResetAsync(job, input.To is { } at ? Cursor.At(at, string.Empty) : null, Environment.UserName, "checkpoint reset from the command line", cancellationToken);
        await context.Output.WriteLineAsync($"{job}: checkpoint moved from {run.CursorFrom?.ToString() ?? "(none)"} to {run.CursorTo?.ToString() ?? "(none: the next sync reads everything)"} (recorded as run {run.RunId})");
        return ExitCodes.Done;
    }
}
