using System.Globalization;
using System.Text.Json;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>status</c>: each tenant's and resource's health from the store: lag, last success, dead-letter queue size,
/// breaker state and error-budget burn, with the reasons a job is degraded or stalled, and for users the welcomes
/// the webhook has not taken yet (due, or rejected and waiting for an operator) or may have received twice. The
/// tenants are the configured ones (or <c>--tenant</c>), else every tenant in run history. Breakers live in a
/// running process: a separate <c>status</c> sees them closed.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: false, cancellationToken);
        var tenants = context.Settings.Tenants.Count > 0
            ? context.Settings.Tenants
            : (await new RunHistory(context.Engine).QueryAsync(new RunQuery { Limit = 10_000 }, cancellationToken)).Select(r => r.Job.Tenant).Distinct().Order(StringComparer.Ordinal).ToList();
        var monitor = new SyncHealthMonitor(context.Engine);
        var health = new List<HealthView>();
        await using var connection = await context.Crm.OpenConnectionAsync(cancellationToken);
        foreach (var (tenant, stream) in tenants.SelectMany(t => VomoStreams.All.Select(s => (t, s))))
        {
            var job = stream.Id(tenant);
            var welcomes = job.Stream == "users"
                ? new WelcomeCounts(
                    await context.Crm.Welcomes.CountDueAsync(connection, job.Tenant, cancellationToken),
                    (await context.Crm.Welcomes.RejectedAsync(connection, job.Tenant, cancellationToken)).Count,
                    await context.Crm.Welcomes.CountPossiblyRepeatedAsync(connection, job.Tenant, cancellationToken))
                : null;
            health.Add(HealthView.Of(await monitor.CheckAsync(new MonitoredJob(job, context.Wiring.Options(tenant, stream)), cancellationToken), welcomes));
        }

        if (context.Json)
        {
            await context.Output.WriteLineAsync(JsonSerializer.Serialize(health, CliJsonContext.Default.IReadOnlyListHealthView));
            return ExitCodes.Done;
        }

        await context.Output.WriteLineAsync($"{"job",-22} {"status",-9} {"lag",-12} {"last success",-21} {"dlq",5} {"breaker",-9} {"burn",6}");
        foreach (var job in health)
        {
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{job.Job,-22} {job.Status,-9} {Lag(job.LagSeconds),-12} {RunText.Time(job.LastSuccessAt),-21} {job.DeadLetters,5} {job.SourceBreaker,-9} {job.ErrorBudgetBurn,6:0.##}"));
            foreach (var reason in job.Reasons)
            {
                await context.Output.WriteLineAsync($"    {reason}");
            }
        }

        if (health.Count == 0)
        {
            await context.Output.WriteLineAsync("No tenants: configure tokens or run 'sync' first.");
        }

        await context.Output.WriteLineAsync(RetentionText(new RetentionOptions()));

        return ExitCodes.Done;
    }

    /// <summary>How long the store keeps history, as <c>sync</c> and <c>sync --watch</c> purge it.</summary>
    internal static string RetentionText(RetentionOptions retention) =>
        $"History kept: runs {Days(retention.Runs)}, audit entries {Days(retention.Audit)}, dedup keys {Days(retention.Dedup)}; sent welcomes lose their bodies after {Days(WelcomeRelay.SentBodiesKept)}.";

    private static string Days(TimeSpan? limit) => limit is { } span ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.##} days") : "for ever";

    private static string Lag(double? seconds) => seconds is { } lag ? TimeSpan.FromSeconds(lag).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : "-";
}
