namespace SyncKit;

/// <summary>What one retention pass deleted.</summary>
/// <param name="StartedAt">When the pass started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Runs">Runs deleted, with their audit entries.</param>
/// <param name="AuditEntries">Audit entries deleted by their own limit (not counting those deleted with their runs).</param>
/// <param name="DedupKeys">Dedup keys deleted.</param>
/// <param name="Error">Why the pass stopped early, or <see langword="null"/> when it finished; what it deleted before stays deleted.</param>
public sealed record RetentionPass(DateTimeOffset StartedAt, DateTimeOffset EndedAt, long Runs, long AuditEntries, long DedupKeys, string? Error);
