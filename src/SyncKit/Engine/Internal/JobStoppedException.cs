using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>An authentication or authorization failure: the job must stop until an operator acts.</summary>
internal sealed class JobStoppedException(ErrorClass errorClass, string message, Exception? inner = null)
    : RunTerminatedException(message, inner)
{
    public ErrorClass ErrorClass { get; } = errorClass;
}
