namespace SyncKit;

/// <summary>The circuit breakers one job's runs go through.</summary>
/// <param name="Source">The source's breaker, shared by every job reading the same source.</param>
/// <param name="Destination">The breaker of the job's tenant and destination.</param>
public readonly record struct JobBreakerStates(BreakerState Source, BreakerState Destination);
