namespace SyncKit;

/// <summary>The right to run one job until <see cref="ExpiresAt"/>.</summary>
/// <param name="Job">The job.</param>
/// <param name="Owner">The instance holding it.</param>
/// <param name="FencingToken">Increases with every grant of the job; commits under an older token are rejected.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed, by the lease store's clock.</param>
public sealed record JobLease(JobId Job, string Owner, long FencingToken, DateTimeOffset ExpiresAt);
