namespace SyncKit;

/// <summary>The actions written to the audit log.</summary>
public static class AuditActions
{
    /// <summary>The record was written.</summary>
    public const string Written = "written";

    /// <summary>The record was skipped as stale.</summary>
    public const string Skipped = "skipped";

    /// <summary>The record's one-time effect had already happened.</summary>
    public const string Deduplicated = "deduplicated";

    /// <summary>The record was dead-lettered.</summary>
    public const string DeadLettered = "dead-lettered";

    /// <summary>Reconciliation found the record gone at the source and deleted it at the destination.</summary>
    public const string Deleted = "deleted";

    /// <summary>An operator discarded the record's dead letter.</summary>
    public const string Discarded = "discarded";

    /// <summary>An operator's force repair wrote the record over whatever version the destination held.</summary>
    public const string Overwritten = "overwritten";
}
