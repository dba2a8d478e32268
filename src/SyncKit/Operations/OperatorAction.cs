using System.Text.Json;
using SyncKit.Operations.Internal;

namespace SyncKit;

/// <summary>Who performed an operator action, why, and on which records: the report of the runs operator actions record.</summary>
/// <param name="Actor">Who acted (a user name, a service principal).</param>
/// <param name="Reason">Why, when given.</param>
/// <param name="RecordKeys">The records acted on; empty for actions on the whole job.</param>
public sealed record OperatorAction(string Actor, string? Reason, IReadOnlyList<string> RecordKeys)
{
    /// <summary>Reads the operator action a run recorded.</summary>
    /// <param name="run">
    /// A run of kind <see cref="RunKind.CheckpointReset"/>, <see cref="RunKind.DeadLetterRetry"/>,
    /// <see cref="RunKind.DeadLetterDiscard"/> or <see cref="RunKind.ForceRepair"/>.
    /// </param>
    /// <returns>The action, or <see langword="null"/> when the run is of another kind or has no report.</returns>
    public static OperatorAction? FromRun(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Kind is RunKind.CheckpointReset or RunKind.DeadLetterRetry or RunKind.DeadLetterDiscard or RunKind.ForceRepair
            ? run.Report is { } json ? JsonSerializer.Deserialize(json, OperatorActionJson.Default.OperatorAction) : null
            : null;
    }

    internal string ToJson() => JsonSerializer.Serialize(this, OperatorActionJson.Default.OperatorAction);
}
