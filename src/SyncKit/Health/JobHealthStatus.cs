namespace SyncKit;

/// <summary>How a job is doing.</summary>
public enum JobHealthStatus
{
    /// <summary>Running on cadence within its error budget.</summary>
    Healthy,

    /// <summary>Running, but something needs attention: an open breaker, a burning error budget, a growing or parked dead-letter queue, paused reconciliation, unrepaired gaps, a failed run, a source horizon held back by an open transaction.</summary>
    Degraded,

    /// <summary>Not advancing: its lag is beyond the stall limit, or an authentication failure stopped it.</summary>
    Stalled,
}
