using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>A record failed for good under <see cref="PartialFailurePolicy.StopAtFirstFailure"/>.</summary>
internal sealed class RunHaltedException(string message) : RunTerminatedException(message, null);
