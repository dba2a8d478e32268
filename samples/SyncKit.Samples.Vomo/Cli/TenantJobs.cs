namespace SyncKit.Samples.Vomo.Cli;

/// <summary>One tenant's jobs, one per stream of <see cref="VomoStreams"/>, as <see cref="VomoWiring"/> builds them.</summary>
internal sealed class TenantJobs(string tenant, IReadOnlyList<TenantJob> jobs)
{
    public string Tenant => tenant;

    public IReadOnlyList<TenantJob> Jobs => jobs;

    /// <summary>The tenant's jobs with their options, for health checks.</summary>
    public IEnumerable<MonitoredJob> Monitored => jobs.Select(j => new MonitoredJob(j.Id, j.Options));

    /// <summary>Runs <paramref name="operation"/> on each job, in turn; a job stopped on 401/403 ends the tenant's turn.</summary>
    public async Task<IReadOnlyList<RunRecord>> EachAsync(Func<TenantJob, Task<RunRecord>> operation, CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        foreach (var job in jobs)
        {
            var run = await operation(job);
            runs.Add(run);
            if (run.Outcome == RunOutcome.Stopped || cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return runs;
    }
}
