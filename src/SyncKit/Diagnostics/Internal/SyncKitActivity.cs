using System.Diagnostics;

namespace SyncKit.Diagnostics.Internal;

/// <summary>The <c>SyncKit</c> activity source: a span per run (its trace id is the run id) and per batch.</summary>
internal static class SyncKitActivity
{
    public static ActivitySource Source { get; } = new(SyncKitDiagnostics.Name);

    /// <summary>
    /// Starts the root span of a run of any kind and returns the run id: the span's trace id, or a fresh
    /// trace id when nobody listens.
    /// </summary>
    public static Activity? StartRun(string name, JobId job, RunKind kind, out string runId)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal, parentContext: default);
        runId = activity?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
        activity?.SetTag(SyncKitDiagnostics.Tags.Tenant, job.Tenant);
        activity?.SetTag(SyncKitDiagnostics.Tags.Stream, job.Stream);
        activity?.SetTag(SyncKitDiagnostics.Tags.RunKind, kind.ToString());
        return activity;
    }
}
