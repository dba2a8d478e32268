namespace SyncKit;

/// <summary>What one run did to one record.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Job">The job.</param>
/// <param name="RecordKey">The record's key.</param>
/// <param name="Position">The record's position.</param>
/// <param name="Action">What happened: <c>written</c>, <c>skipped</c>, <c>deduplicated</c>, <c>dead-lettered</c>, ...</param>
/// <param name="At">When.</param>
public sealed record AuditEntry(string RunId, JobId Job, string RecordKey, Cursor Position, string Action, DateTimeOffset At);
