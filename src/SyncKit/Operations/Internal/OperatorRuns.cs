namespace SyncKit.Operations.Internal;

/// <summary>Builds the run records that operator actions leave in run history.</summary>
internal static class OperatorRuns
{
    private const int SampleSize = 5;

    public static RunRecord Create(string runId, JobId job, RunKind kind, DateTimeOffset at, OperatorAction action) =>
        new(runId, job, at, at, RunOutcome.Succeeded, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [.. action.RecordKeys.Take(SampleSize)], null)
        {
            Kind = kind,
            Report = action.ToJson(),
        };
}
