using System.Text.Json;
using SyncKit.Reconciliation.Internal;

namespace SyncKit;

/// <summary>
/// What one reconciliation pass checked, found and did. Kept as the <see cref="RunRecord.Report"/> of the pass's run;
/// read it back with <see cref="FromRun"/>.
/// </summary>
public sealed record ReconciliationReport
{
    /// <summary>The pass: <see cref="RunKind.IncrementalReconciliation"/> or <see cref="RunKind.FullReconciliation"/>.</summary>
    public RunKind Kind { get; init; }

    /// <summary>When the pass started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took, repairs included.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The re-read window's inclusive start (incremental passes).</summary>
    public DateTimeOffset? WindowFrom { get; init; }

    /// <summary>The re-read window's exclusive end (incremental passes).</summary>
    public DateTimeOffset? WindowTo { get; init; }

    /// <summary>Records (incremental) or keys (full: every key at the source or the destination) compared.</summary>
    public long Checked { get; init; }

    /// <summary>Records the source has and the destination lacks.</summary>
    public long Missing { get; init; }

    /// <summary>
    /// Records the destination holds at another version than the source's, among those whose versions were compared
    /// (<see cref="StaleSampleSize"/>): the ones found, and repaired.
    /// </summary>
    public long Stale { get; init; }

    /// <summary>
    /// Records held at both ends whose versions were compared: every one in an incremental pass; in a full pass, the
    /// ones in its drift sample (<see cref="ReconciliationSettings.DriftSampleRate"/>), each looked up at the source.
    /// </summary>
    public long StaleSampleSize { get; init; }

    /// <summary>
    /// Stale records estimated over every record held at both ends: <see cref="Stale"/> itself when every version was
    /// compared, otherwise <see cref="Stale"/> × (records held at both ends ÷ <see cref="StaleSampleSize"/>). The
    /// gap rate counts this estimate, so it compares with the threshold like the exact counts it sits beside; only
    /// the stale records found are repaired.
    /// </summary>
    public long StaleEstimate { get; init; }

    /// <summary>Keys the destination holds that the source's key listing lacks (full passes).</summary>
    public long Extra { get; init; }

    /// <summary>Extra keys the source confirmed gone when looked up by key.</summary>
    public long GoneAtSource { get; init; }

    /// <summary>
    /// Extra keys the source still returns when looked up by key: the listing's scope or filter changed. They are
    /// reported, never deleted.
    /// </summary>
    public long StillAtSource { get; init; }

    /// <summary>Records whose fields were compared.</summary>
    public long DriftChecked { get; init; }

    /// <summary>Records at the same version whose fields differ: changes that did not move the version. Reported, not corrected.</summary>
    public long Drifted { get; init; }

    /// <summary>(<see cref="Missing"/> + <see cref="StaleEstimate"/> + <see cref="Extra"/>) / <see cref="Checked"/>.</summary>
    public double GapRate { get; init; }

    /// <summary>The threshold the gap rate was held against.</summary>
    public double GapThreshold { get; init; }

    /// <summary>What the pass was asked to do about divergence.</summary>
    public CorrectionMode Correction { get; init; }

    /// <summary>
    /// Whether correction waits for an operator: the gap rate was above the threshold, so nothing was corrected, or
    /// gaps a paused pass found are still open (a later automatic pass whose own window looks clean leaves them alone;
    /// a pass with <see cref="CorrectionMode.Always"/> or a force repair closes them). Polling needs an operator.
    /// </summary>
    public bool CorrectionPaused { get; init; }

    /// <summary>
    /// Gaps closed: missing and stale records written again through the engine that the destination then holds at
    /// the source's version (read back after the repair), including gaps earlier passes left unrepaired.
    /// </summary>
    public long Repaired { get; init; }

    /// <summary>
    /// Gaps still open after the pass: repairs the destination did not take (it skipped the write, holding a version it
    /// orders after the source's, as when a timestamp went backwards; or the record was dead-lettered), and gaps
    /// earlier passes left unrepaired that this one did not find closed. Each is checked again by every later pass
    /// until one finds it closed; health stays degraded meanwhile. Gaps a pass found and did not try to repair
    /// (correction paused or <see cref="CorrectionMode.Never"/>) are open too, and counted here as well as in
    /// <see cref="Missing"/> or <see cref="Stale"/>: a window that moves on never drops them from the evidence.
    /// </summary>
    public long Unrepaired { get; init; }

    /// <summary>Rows deleted (or soft-deleted) at the destination because the source confirmed them gone.</summary>
    public long Deleted { get; init; }

    /// <summary>The run (kind <see cref="RunKind.Repair"/>) that re-processed missing and stale records, if one ran.</summary>
    public string? RepairRunId { get; init; }

    /// <summary>Some missing keys.</summary>
    public IReadOnlyList<string> MissingKeys { get; init; } = [];

    /// <summary>Some stale keys.</summary>
    public IReadOnlyList<string> StaleKeys { get; init; } = [];

    /// <summary>Some extra keys.</summary>
    public IReadOnlyList<string> ExtraKeys { get; init; } = [];

    /// <summary>Some extra keys the source still returns by key.</summary>
    public IReadOnlyList<string> StillAtSourceKeys { get; init; } = [];

    /// <summary>Some deleted keys.</summary>
    public IReadOnlyList<string> DeletedKeys { get; init; } = [];

    /// <summary>Some drifted records and their differing fields.</summary>
    public IReadOnlyList<FieldDrift> Drift { get; init; } = [];

    /// <summary>
    /// Every unrepaired key, in ordinal order, not only <see cref="ReconciliationSettings.ReportedKeys"/> of them: the
    /// next pass checks each again, and an operator force-repairs them by key (<see cref="RepairOperations.ForceRepairAsync{T}"/>).
    /// </summary>
    public IReadOnlyList<string> UnrepairedKeys { get; init; } = [];

    /// <summary>Reads the report a reconciliation pass stored.</summary>
    /// <param name="run">A run of kind <see cref="RunKind.IncrementalReconciliation"/> or <see cref="RunKind.FullReconciliation"/>.</param>
    /// <returns>The report, or <see langword="null"/> when the run is of another kind or has none.</returns>
    public static ReconciliationReport? FromRun(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return FromReport(run.Kind, run.Report);
    }

    /// <summary>The report a run of <paramref name="kind"/> keeps as <paramref name="report"/>, or <see langword="null"/>.</summary>
    internal static ReconciliationReport? FromReport(RunKind kind, string? report) =>
        kind is RunKind.IncrementalReconciliation or RunKind.FullReconciliation
            ? report is { } json ? JsonSerializer.Deserialize(json, ReconciliationReportJson.Default.ReconciliationReport) : null
            : null;

    internal string ToJson() => JsonSerializer.Serialize(this, ReconciliationReportJson.Default.ReconciliationReport);
}
