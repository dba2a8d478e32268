namespace SyncKit;

/// <summary>What a run did. Stores keep it with the run so history can be filtered by it.</summary>
public enum RunKind
{
    /// <summary>A regular run: reads after the checkpoint and moves it.</summary>
    Sync,

    /// <summary>A window re-synced through the real destination; the checkpoint is not touched.</summary>
    Backfill,

    /// <summary>A dry run over a past window against a recording destination. Never stored: it writes nothing.</summary>
    Replay,

    /// <summary>Records a reconciliation pass found missing or stale, re-processed through the engine; the checkpoint is not touched.</summary>
    Repair,

    /// <summary>An incremental reconciliation pass; <see cref="RunRecord.Report"/> holds its report.</summary>
    IncrementalReconciliation,

    /// <summary>A full reconciliation pass; <see cref="RunRecord.Report"/> holds its report.</summary>
    FullReconciliation,

    /// <summary>Dead letters re-driven now at an operator's request.</summary>
    DeadLetterRetry,

    /// <summary>Dead letters discarded by an operator.</summary>
    DeadLetterDiscard,

    /// <summary>The checkpoint was reset by an operator (<see cref="RunRecord.CursorFrom"/> the old one, <see cref="RunRecord.CursorTo"/> the new one).</summary>
    CheckpointReset,

    /// <summary>
    /// Records overwritten at an operator's request whatever version the destination held
    /// (<see cref="RepairOperations.ForceRepairAsync{T}"/>); every record written has an audit entry, and
    /// <see cref="RunRecord.Report"/> holds the <see cref="OperatorAction"/>. The checkpoint is not touched.
    /// </summary>
    ForceRepair,
}
