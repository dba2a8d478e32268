namespace SyncKit.State.InMemory.Internal;

/// <summary>The data of an <see cref="InMemorySyncStateStore"/>; guarded by <see cref="Sync"/>.</summary>
internal sealed class InMemoryState
{
    internal InMemoryState(TimeProvider timeProvider) => TimeProvider = timeProvider;

    internal object Sync { get; } = new();

    internal TimeProvider TimeProvider { get; }

    internal Dictionary<JobId, Cursor> Checkpoints { get; } = [];

    internal Dictionary<(string Scope, string Key), DedupEntry> Dedup { get; } = [];

    internal Dictionary<(JobId Job, string Key), DeadLetter> DeadLetters { get; } = [];

    internal Dictionary<string, RunRecord> Runs { get; } = [];

    /// <summary>The audit trail in append order, each entry numbered so a page of a run's trail survives purges.</summary>
    internal List<(long Seq, AuditEntry Entry)> Audit { get; } = [];

    internal long LastAuditSeq { get; set; }

    internal sealed record DedupEntry(DateTimeOffset? CompletedAt, DateTimeOffset HeldUntil);
}
