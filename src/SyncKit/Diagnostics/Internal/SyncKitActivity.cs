using System.Diagnostics;

namespace SyncKit.Diagnostics.Internal;

/// <summary>The <c>SyncKit</c> activity source: a span per run (its trace id is the run id) and per batch.</summary>
internal static class SyncKitActivity
{
    public static ActivitySource Source { get; } = new(SyncKitDiagnostics.Name, SyncKitDiagnostics.Version);

    /// <summary>
    /// Starts the root span of a run of any kind and returns the run id: the span's trace id, or a fresh
    /// trace id when nobody listens.
    /// </summary>
    /// <remarks>
    /// The span starts a trace of its own, linked to the ambient span (a request's, an operator command's): were it
    /// that span's child, every run under one parent would share its trace id, and so its run id. The span is
    /// <see cref="Activity.Current"/> until it stops; the callers are async methods, so their own callers'
    /// <see cref="Activity.Current"/> is left as it was.
    /// </remarks>
    public static Activity? StartRun(string name, JobId job, RunKind kind, out string runId)
    {
        var ambient = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity(name, ActivityKind.Internal, parentContext: default, links: ambient is null ? null : [new ActivityLink(ambient.Context)]);
        if (activity is null)
        {
            // Nobody listens to SyncKit: spans others start during the run (a database driver's) stay under the ambient one.
            Activity.Current = ambient;
        }

        runId = activity?.TraceId.ToHexString() ?? ActivityTraceId.CreateRandom().ToHexString();
        activity?.SetTag(SyncKitDiagnostics.Tags.Tenant, job.Tenant);
        activity?.SetTag(SyncKitDiagnostics.Tags.Stream, job.Stream);
        activity?.SetTag(SyncKitDiagnostics.Tags.RunKind, kind.ToString());
        return activity;
    }
}
