namespace SyncKit;

/// <summary>Filters dead letters.</summary>
public sealed record DeadLetterQuery
{
    /// <summary>Only this tenant's entries.</summary>
    public string? Tenant { get; init; }

    /// <summary>Only this stream's entries.</summary>
    public string? Stream { get; init; }

    /// <summary>Only entries with this status.</summary>
    public DeadLetterStatus? Status { get; init; }

    /// <summary>Only pending entries due at or before this instant.</summary>
    public DateTimeOffset? DueAtOrBefore { get; init; }

    /// <summary>At most this many entries.</summary>
    /// <value>Default 100.</value>
    public int Limit { get; init; } = 100;

    /// <summary>A query for one job's entries.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The query.</returns>
    public static DeadLetterQuery ForJob(JobId job) => new() { Tenant = job.Tenant, Stream = job.Stream };

    /// <summary>Whether an entry matches this query.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns><see langword="true"/> when it matches every filter set.</returns>
    public bool Matches(DeadLetter entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (Tenant is null || entry.Job.Tenant == Tenant)
            && (Stream is null || entry.Job.Stream == Stream)
            && (Status is null || entry.Status == Status)
            && (DueAtOrBefore is null || (entry.Status == DeadLetterStatus.Pending && entry.NextAttemptAt <= DueAtOrBefore));
    }
}
