namespace SyncKit;

/// <summary>Whether a dead letter is still re-driven automatically.</summary>
public enum DeadLetterStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>Out of attempts: waits for an operator to retry or discard it.</summary>
    Parked,
}
