namespace SyncKit;

/// <summary>How a destination handled one record.</summary>
public enum RecordOutcomeKind
{
    /// <summary>The record was written.</summary>
    Written,

    /// <summary>The destination already held this version or a newer one; nothing was written.</summary>
    Skipped,

    /// <summary>A one-time side effect for the record had already been performed.</summary>
    Deduplicated,

    /// <summary>The record failed; see <see cref="RecordOutcome.ErrorClass"/>.</summary>
    Failed,
}
