using System.ComponentModel.DataAnnotations;

namespace SyncKit.AspNetCore;

/// <summary>What the SyncKit dashboard shows and how it judges health.</summary>
public sealed class SyncKitDashboardOptions
{
    /// <summary>The name shown in page titles and headings.</summary>
    /// <value>Default <c>SyncKit</c>.</value>
    [Required]
    public string Title { get; set; } = "SyncKit";

    /// <summary>How many runs a tenant page lists, newest first.</summary>
    /// <value>Default 50.</value>
    [Range(1, 10_000)]
    public int RecentRuns { get; set; } = 50;

    /// <summary>How many regular runs per job the lag chart plots (lag is derived from each run's end and checkpoint).</summary>
    /// <value>Default 100.</value>
    [Range(2, 10_000)]
    public int LagChartRuns { get; set; } = 100;

    /// <summary>How many reconciliation reports of each kind a tenant page lists.</summary>
    /// <value>Default 10.</value>
    [Range(1, 1_000)]
    public int ReconciliationReports { get; set; } = 10;

    /// <summary>How many audit entries a run page and <c>api/runs/{runId}</c> show at a time; further pages follow a link.</summary>
    /// <value>Default 500.</value>
    [Range(1, 100_000)]
    public int RunAuditPageSize { get; set; } = 500;

    /// <summary>How many dead letters the dead-letter page and API list at most.</summary>
    /// <value>Default 200.</value>
    [Range(1, 100_000)]
    public int DeadLetterLimit { get; set; } = 200;

    /// <summary>
    /// The thresholds health is judged by, for the dashboard's own <see cref="SyncHealthMonitor"/>; ignored when the
    /// host registers a <see cref="SyncHealthMonitor"/> itself.
    /// </summary>
    /// <value>Default <see cref="SyncHealthOptions"/>' defaults.</value>
    [Required]
    public SyncHealthOptions Health { get; set; } = new();
}
