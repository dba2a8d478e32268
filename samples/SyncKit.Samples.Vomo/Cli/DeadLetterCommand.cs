using System.Text.Json;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>dlq list|retry [--tenant T]</c>: lists the dead-letter queue, or re-drives every entry now (parked ones
/// included) through the CRM destination; what still fails stays queued with one more attempt. Welcomes the webhook
/// rejected are listed after the dead letters (their records are written, so they are not dead letters themselves),
/// and <c>retry</c> makes them due again: they are sent before the command ends.
/// </summary>
internal static class DeadLetterCommand
{
    private const int ListLimit = 10_000;

    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        var retry = input.Subcommand == "retry";
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: retry, cancellationToken);
        var operations = new DeadLetterOperations(context.Engine);
        return retry ? await RetryAsync(context, operations, cancellationToken) : await ListAsync(context, operations, cancellationToken);
    }

    private static async Task<int> ListAsync(CommandContext context, DeadLetterOperations operations, CancellationToken cancellationToken)
    {
        var entries = await operations.ListAsync(new DeadLetterQuery { Tenant = context.Settings.Tenant, Limit = ListLimit }, cancellationToken);
        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize([.. entries.Select(DeadLetterView.Of)], CliJsonContext.Default.IReadOnlyListDeadLetterView));
            return ExitCodes.Done;
        }

        foreach (var entry in entries)
        {
            await context.Output.WriteLineAsync($"{entry.Job,-22} {entry.RecordKey,-10} {entry.Status,-8} {entry.ErrorClass,-12} attempts {entry.Attempts,3}  next {RunText.Time(entry.NextAttemptAt)}  {entry.LastError}");
        }

        await context.Output.WriteLineAsync($"{entries.Count} dead letter(s).");
        await using var connection = await context.Crm.OpenConnectionAsync(cancellationToken);
        var rejected = await context.Crm.Welcomes.RejectedAsync(connection, context.Settings.Tenant, cancellationToken);
        foreach (var welcome in rejected)
        {
            await context.Output.WriteLineAsync($"{welcome.IdempotencyKey,-33} rejected attempts {welcome.Attempts,3}  at {RunText.Time(welcome.RejectedAt)}  {welcome.LastError}");
        }

        if (rejected.Count > 0)
        {
            await context.Output.WriteLineAsync($"{rejected.Count} welcome(s) rejected by the webhook; 'dlq retry' sends them again.");
        }

        return ExitCodes.Done;
    }

    private static async Task<int> RetryAsync(CommandContext context, DeadLetterOperations operations, CancellationToken cancellationToken)
    {
        // The jobs' destinations start the webhook's relay, which sends the welcomes made due again.
        var tenants = context.Tenants();
        await using (var connection = await context.Crm.OpenConnectionAsync(cancellationToken))
        {
            var rearmed = await context.Crm.Welcomes.RearmAsync(connection, context.Settings.Tenant, cancellationToken);
            if (rearmed > 0)
            {
                await context.Output.WriteLineAsync($"{rearmed} rejected welcome(s) due again.");
            }
        }

        var runs = new List<RunRecord>();
        foreach (var job in tenants.SelectMany(t => t.Jobs))
        {
            var entries = await operations.ListAsync(DeadLetterQuery.ForJob(job.Id) with { Limit = ListLimit }, cancellationToken);
            if (entries.Count == 0)
            {
                continue;
            }

            var run = await job.RetryDeadLettersAsync(operations, [.. entries.Select(e => e.RecordKey)], Environment.UserName, cancellationToken);
            runs.Add(run);
            var left = await operations.ListAsync(DeadLetterQuery.ForJob(job.Id) with { Limit = ListLimit }, cancellationToken);
            await context.Output.WriteLineAsync($"{RunText.Summary(run)}  retried {entries.Count}, still queued {left.Count}");
        }

        if (runs.Count == 0)
        {
            await context.Output.WriteLineAsync("The dead-letter queue is empty.");
        }

        return ExitCodes.Of(runs);
    }
}
