namespace SyncKit;

/// <summary>What one run did to one record.</summary>
/// <param name="Entry">The audit entry.</param>
/// <param name="Run">The run, or <see langword="null"/> when its record was purged.</param>
public sealed record RecordTouch(AuditEntry Entry, RunRecord? Run);
