using System.ComponentModel.DataAnnotations;

namespace SyncKit;

/// <summary>How a job is reconciled: which window an incremental pass re-reads, how often each pass runs, and when auto-correction pauses.</summary>
public sealed class ReconciliationSettings
{
    /// <summary>
    /// How far back an incremental pass re-reads. The window ends at the checkpoint minus the lookback (what polling
    /// already claims to have applied), never at what polling has yet to read.
    /// </summary>
    /// <value>Default 25 hours: a day, plus an hour of overlap so successive daily passes leave no gap.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan IncrementalWindow { get; set; } = TimeSpan.FromHours(25);

    /// <summary>How often an incremental pass runs for each tenant.</summary>
    /// <value>Default 1 day.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan IncrementalCadence { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often a full pass (key scan, deletion detection) runs for each tenant.</summary>
    /// <value>Default 7 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan FullCadence { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The share of checked records that may diverge (missing, stale or extra) before auto-correction pauses: a
    /// higher rate means polling is broken, and that must surface rather than hide behind reconciliation.
    /// </summary>
    /// <value>Default 0.01 (1%).</value>
    [Range(0.0, 1.0)]
    public double GapThreshold { get; set; } = 0.01;

    /// <summary>
    /// The share of records whose fields are compared with the destination's, to find changes that did not move
    /// the version. 1 compares every record; in a full pass each sampled record costs one lookup at the source, and
    /// the sample is also where a full pass finds stale versions: it estimates them over every key at the rate found
    /// in the sample (<see cref="ReconciliationReport.StaleEstimate"/>), so a larger sample gives a tighter estimate.
    /// </summary>
    /// <value>Default 0.01 (1%). Each pass samples different records.</value>
    [Range(0.0, 1.0)]
    public double DriftSampleRate { get; set; } = 0.01;

    /// <summary>
    /// How many lookups by key a full pass keeps in flight at once (confirming deletions, checking sampled records,
    /// fetching missing ones). Each still goes through the source's pipeline — rate limiter, breaker, retries — and
    /// the report is the same as one lookup at a time would give. Raise it only for a source whose lookups are safe to
    /// call concurrently, where a lookup's latency rather than the request budget bounds the pass.
    /// </summary>
    /// <value>Default 1: one lookup after another.</value>
    [Range(1, 64)]
    public int LookupConcurrency { get; set; } = 1;

    /// <summary>How many keys of each kind (missing, stale, extra, drifted...) a report lists.</summary>
    /// <value>Default 20.</value>
    [Range(0, 10_000)]
    public int ReportedKeys { get; set; } = 20;
}
