namespace SyncKit.Resilience.Internal;

/// <summary>Ends a run on purpose; never retried, never counted by a circuit breaker.</summary>
internal abstract class RunTerminatedException(string message, Exception? inner) : Exception(message, inner);
