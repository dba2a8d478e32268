using System.Diagnostics;

namespace SyncKit.Diagnostics.Internal;

/// <summary>The <c>SyncKit</c> activity source: a span per run (its trace id is the run id) and per batch.</summary>
internal static class SyncKitActivity
{
    public static ActivitySource Source { get; } = new(SyncKitDiagnostics.Name);
}
