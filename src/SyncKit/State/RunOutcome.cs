namespace SyncKit;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>Still running (or the process died while it ran).</summary>
    Running,

    /// <summary>Every record read was written, skipped or deduplicated.</summary>
    Succeeded,

    /// <summary>The run finished but dead-lettered some records.</summary>
    CompletedWithDeadLetters,

    /// <summary>The run failed (retries exhausted, breaker open, store error); the checkpoint stayed at the last durable position.</summary>
    Failed,

    /// <summary>An authentication or authorization failure stopped the job; an operator must act.</summary>
    Stopped,

    /// <summary>The host shut down; what finished was committed.</summary>
    Cancelled,

    /// <summary>
    /// A reconciliation pass finished but left gaps open that a repair did not close (the destination kept another
    /// version); its <see cref="ReconciliationReport.UnrepairedKeys"/> names them, and an operator must act.
    /// </summary>
    CompletedWithUnrepairedGaps,
}
