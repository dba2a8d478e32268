namespace SyncKit;

/// <summary>
/// Identifies one sync job: a stream (for example <c>invoices</c>) synced for one tenant.
/// Checkpoints, cadence, dead letters and run history are all kept per job.
/// </summary>
/// <param name="Tenant">The tenant the job syncs for.</param>
/// <param name="Stream">The stream (resource) the job syncs.</param>
public readonly record struct JobId(string Tenant, string Stream)
{
    /// <summary>Returns <c>tenant/stream</c>.</summary>
    public override string ToString() => $"{Tenant}/{Stream}";
}
