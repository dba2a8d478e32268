using System.Globalization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>reconcile --mode incremental|full</c>: incremental re-reads a recent window and repairs gaps; full scans
/// every key, soft-deletes records VOMO confirms gone (<c>GET /{resource}/{id}</c> answers 404), re-reads every
/// group's members, and prints the drift report. An operator who runs it asks for the repair, so it corrects
/// whatever the gap rate; a rate above the job's threshold is flagged, since it means polling loses records.
/// </summary>
internal static class ReconcileCommand
{
    public static async Task<int> RunAsync(CommandInput input, CommandEnvironment environment, CancellationToken cancellationToken)
    {
        await using var context = await CommandContext.OpenAsync(input, environment, talksToVomo: true, cancellationToken);
        var reconciler = new SyncReconciler(context.Engine);
        var results = await Task.WhenAll(context.Tenants().Select(tenant =>
            tenant.EachAsync(job => job.ReconcileAsync(reconciler, input.Full, CorrectionMode.Always, cancellationToken), cancellationToken)));

        foreach (var run in results.SelectMany(r => r))
        {
            await context.Output.WriteLineAsync(Describe(run));
        }

        return ExitCodes.Of(results.SelectMany(r => r));
    }

    /// <summary>The drift report of one pass: what was checked and found, what was done, and some keys of each kind.</summary>
    private static string Describe(RunRecord run)
    {
        if (ReconciliationReport.FromRun(run) is not { } report || run.Outcome is not (RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters or RunOutcome.CompletedWithUnrepairedGaps))
        {
            return $"{run.Job,-22} {run.Kind} {run.Outcome}{(run.Error is null ? string.Empty : $": {run.Error}")}";
        }

        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.Write($"{run.Job,-22} {(report.Kind == RunKind.FullReconciliation ? "full" : "incremental")}: checked {report.Checked}, missing {report.Missing}, stale {report.Stale}{(report.StaleEstimate == report.Stale ? string.Empty : $" (about {report.StaleEstimate} over every key, from {report.StaleSampleSize} compared)")}, extra {report.Extra} (gone at source {report.GoneAtSource}, still at source {report.StillAtSource}), drifted {report.Drifted} of {report.DriftChecked}; repaired {report.Repaired}, unrepaired {report.Unrepaired}, soft-deleted {report.Deleted}; gap rate {report.GapRate:P2}");
        if (report.WindowFrom is { } from)
        {
            text.Write($"; window {RunText.Time(from)} .. {RunText.Time(report.WindowTo)}");
        }

        if (report.GapRate > report.GapThreshold)
        {
            text.Write($" (above the {report.GapThreshold:P2} threshold: polling may be losing records)");
        }

        Keys(text, "missing", report.MissingKeys);
        Keys(text, "stale", report.StaleKeys);
        Keys(text, "unrepaired (the CRM keeps another version; force-repair them once VOMO is right)", report.UnrepairedKeys);
        Keys(text, "soft-deleted", report.DeletedKeys);
        Keys(text, "still at source, not deleted", report.StillAtSourceKeys);
        Keys(text, "drifted", [.. report.Drift.Select(d => $"{d.Key} ({string.Join(", ", d.Fields)})")]);
        return text.ToString();
    }

    private static void Keys(StringWriter text, string what, IReadOnlyList<string> keys)
    {
        if (keys.Count > 0)
        {
            text.Write($"{Environment.NewLine}    {what}: {string.Join(", ", keys)}");
        }
    }
}
