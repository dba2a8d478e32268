namespace SyncKit;

/// <summary>The answer to a reservation.</summary>
public enum DedupStatus
{
    /// <summary>The caller holds the key and should perform the effect, then complete it.</summary>
    Acquired,

    /// <summary>
    /// The caller holds the key, but an earlier reservation expired without completing: the effect may
    /// already have happened once. Perform it (at-least-once) and report the possible repeat.
    /// </summary>
    Reacquired,

    /// <summary>The effect was already performed; do nothing.</summary>
    AlreadyCompleted,

    /// <summary>Another worker holds an unexpired reservation; try later.</summary>
    HeldElsewhere,
}
