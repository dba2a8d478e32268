namespace SyncKit;

/// <summary>What a reconciliation pass does about the divergence it finds.</summary>
public enum CorrectionMode
{
    /// <summary>
    /// Repairs and deletes, unless the gap rate is above <see cref="ReconciliationSettings.GapThreshold"/>: then it
    /// only reports, the report says correction paused, and health turns degraded.
    /// </summary>
    Automatic,

    /// <summary>Repairs and deletes whatever the gap rate: an operator has looked and wants it fixed.</summary>
    Always,

    /// <summary>Only reports.</summary>
    Never,
}
