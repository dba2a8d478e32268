using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>
/// The run already failed (a commit did; the failure is recorded): unwinds the stage without a retry, without
/// splitting the batch, and without counting a store failure against the destination's breaker.
/// </summary>
internal sealed class RunFailedException(Exception failure) : RunTerminatedException(failure.Message, failure);
