namespace SyncKit;

/// <summary>The state of a circuit breaker.</summary>
public enum BreakerState
{
    /// <summary>Calls flow (also the state of a breaker no call has gone through yet).</summary>
    Closed,

    /// <summary>Calls are refused until the break duration ends: work on this downstream is paused.</summary>
    Open,

    /// <summary>A trial call is deciding whether to close again.</summary>
    HalfOpen,

    /// <summary>Held open by hand.</summary>
    Isolated,
}
