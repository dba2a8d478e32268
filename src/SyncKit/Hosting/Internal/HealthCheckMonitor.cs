namespace SyncKit.Hosting.Internal;

/// <summary>
/// The health check's own <see cref="SyncHealthMonitor"/>, for hosts that register none: one per host, since a
/// monitor remembers dead-letter queue sizes to tell growth. Not registered as <see cref="SyncHealthMonitor"/>, so a
/// monitor the host or the dashboard registers later still decides.
/// </summary>
internal sealed class HealthCheckMonitor(SyncEngine engine)
{
    public SyncHealthMonitor Monitor { get; } = new(engine);
}
