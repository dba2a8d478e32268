namespace SyncKit;

/// <summary>A job a health check watches, with the options that give its cadence and breaker names.</summary>
/// <param name="Id">The job.</param>
/// <param name="Options">Its options.</param>
public sealed record MonitoredJob(JobId Id, SyncJobOptions Options);
