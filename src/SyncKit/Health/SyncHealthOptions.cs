using System.ComponentModel.DataAnnotations;

namespace SyncKit;

/// <summary>When a job's health turns degraded or stalled.</summary>
public sealed class SyncHealthOptions
{
    /// <summary>A job whose lag exceeds this many cadences is stalled.</summary>
    /// <value>Default 2.</value>
    [Range(1.0, 1_000.0)]
    public double StalledAfterCadences { get; set; } = 2;

    /// <summary>The share of processed records allowed to fail (be dead-lettered): the error budget.</summary>
    /// <value>Default 0.01 (1%).</value>
    [Range(0.000_001, 1.0)]
    public double ErrorBudget { get; set; } = 0.01;

    /// <summary>The window over which the failed share is measured against the budget.</summary>
    /// <value>Default 1 day.</value>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan ErrorBudgetWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The burn rate (failed share ÷ budget) above which a job is degraded; 1 means "failing faster than the budget allows".</summary>
    /// <value>Default 1.</value>
    [Range(0.01, 1_000.0)]
    public double MaxBurnRate { get; set; } = 1;

    /// <summary>The window over which dead-letter queue growth is measured.</summary>
    /// <value>Default 1 hour.</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan DeadLetterGrowthWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many entries a job's dead-letter queue may grow by within <see cref="DeadLetterGrowthWindow"/> before the job is degraded.</summary>
    /// <value>Default 100.</value>
    [Range(0, int.MaxValue)]
    public int MaxDeadLetterGrowth { get; set; } = 100;
}
