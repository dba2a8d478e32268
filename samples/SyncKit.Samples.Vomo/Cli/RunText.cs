using System.Globalization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>How runs are printed as text, one line each.</summary>
internal static class RunText
{
    /// <summary>A timestamp as the commands print it, in UTC to the second; <c>-</c> for none.</summary>
    public static string Time(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    /// <summary>The job, outcome and counts of a run, and its error.</summary>
    public static string Summary(RunRecord run)
    {
        var counts = run.Counts;
        return $"{run.Job,-22} {run.Outcome,-24} read {counts.Read,6}  written {counts.Written,6}  skipped {counts.Skipped,6}  retried {counts.Retried,4}  dead-lettered {counts.DeadLettered,4}{(run.Error is null ? string.Empty : $"  {run.Error}")}";
    }
}
