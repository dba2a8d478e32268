using System.Globalization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>Prints what runs did, and each tenant's health: the summary <c>sync</c> and <c>demo</c> end with.</summary>
internal static class RunReport
{
    /// <summary>One line per run, then the totals.</summary>
    public static async Task WriteRunsAsync(TextWriter output, IReadOnlyList<RunRecord> runs)
    {
        foreach (var run in runs)
        {
            var counts = run.Counts;
            await output.WriteLineAsync(Text($"{run.Job,-22} {run.Outcome,-24} read {counts.Read,6}  written {counts.Written,6}  skipped {counts.Skipped,6}  retried {counts.Retried,4}  dead-lettered {counts.DeadLettered,4}{(run.Error is null ? string.Empty : $"  {run.Error}")}"));
        }
    }

    /// <summary>
    /// A table of each tenant's health, from <see cref="SyncHealthMonitor"/>: the worst of its jobs' status, lag,
    /// breaker and error-budget burn, the oldest of their last successes, and their dead letters together.
    /// </summary>
    public static async Task WriteHealthAsync(TextWriter output, SyncEngine engine, IEnumerable<MonitoredJob> jobs, CancellationToken cancellationToken)
    {
        var monitor = new SyncHealthMonitor(engine);
        var checks = new List<JobHealth>();
        foreach (var job in jobs)
        {
            checks.Add(await monitor.CheckAsync(job, cancellationToken));
        }

        await output.WriteLineAsync(Text($"{"tenant",-10} {"status",-9} {"lag",10} {"last success (UTC)",-20} {"DLQ",5} {"breaker",-9} {"budget burn",11}"));
        foreach (var tenant in checks.GroupBy(h => h.Job.Tenant).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var status = tenant.Max(h => h.Status);
            var lag = tenant.Select(h => h.Lag).Max();
            var lastSuccess = tenant.Any(h => h.LastSuccessAt is null) ? null : tenant.Min(h => h.LastSuccessAt);
            var breaker = tenant.Select(h => h.Breakers.Source).FirstOrDefault(b => b != BreakerState.Closed);
            var burn = tenant.Max(h => h.ErrorBudgetBurn);
            await output.WriteLineAsync(Text($"{tenant.Key,-10} {status,-9} {(lag is { } l ? $"{l.TotalSeconds:#,0.0} s" : "-"),10} {(lastSuccess is { } s ? s.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "never"),-20} {tenant.Sum(h => h.DeadLetters),5} {breaker,-9} {burn,10:0.00}×"));
            foreach (var reason in tenant.SelectMany(h => h.Reasons.Select(r => $"{h.Job.Stream}: {r}")))
            {
                await output.WriteLineAsync($"           {reason}");
            }
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
