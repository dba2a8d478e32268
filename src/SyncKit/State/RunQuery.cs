namespace SyncKit;

/// <summary>Filters runs.</summary>
public sealed record RunQuery
{
    /// <summary>Only this tenant's runs.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this stream's runs.</summary>
    public string? Stream { get; init; }

    /// <summary>Only runs started at or after this instant.</summary>
    public DateTimeOffset? StartedFrom { get; init; }

    /// <summary>Only runs started before this instant.</summary>
    public DateTimeOffset? StartedBefore { get; init; }

    /// <summary>Only runs with this outcome.</summary>
    public RunOutcome? Outcome { get; init; }

    /// <summary>Only runs of this kind.</summary>
    public RunKind? Kind { get; init; }

    /// <summary>At most this many runs.</summary>
    /// <value>Default 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>A query for one job's runs.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The query.</returns>
    public static RunQuery ForJob(JobId job) => new() { Tenant = job.Tenant, Stream = job.Stream };

    /// <summary>Whether a run matches this query.</summary>
    /// <param name="run">The run.</param>
    /// <returns><see langword="true"/> when it matches every filter set.</returns>
    public bool Matches(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (Tenant is null || run.Job.Tenant == Tenant)
            && (Stream is null || run.Job.Stream == Stream)
            && (StartedFrom is null || run.StartedAt >= StartedFrom)
            && (StartedBefore is null || run.StartedAt < StartedBefore)
            && (Outcome is null || run.Outcome == Outcome)
            && (Kind is null || run.Kind == Kind);
    }
}
