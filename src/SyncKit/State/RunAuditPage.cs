namespace SyncKit;

/// <summary>One page of a run's audit trail.</summary>
/// <param name="Entries">The entries, in the order they were appended.</param>
/// <param name="Next">
/// Where the next page starts (pass it as <see cref="RunAuditQuery.After"/>), or <see langword="null"/> when this page
/// holds the last entry.
/// </param>
public sealed record RunAuditPage(IReadOnlyList<AuditEntry> Entries, long? Next);
