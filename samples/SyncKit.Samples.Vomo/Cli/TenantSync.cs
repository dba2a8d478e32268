namespace SyncKit.Samples.Vomo.Cli;

/// <summary>One poll cycle over a tenant's jobs (<see cref="TenantJobs"/>).</summary>
internal sealed class TenantSync(SyncEngine engine, TenantJobs jobs)
{
    public string Tenant => jobs.Tenant;

    /// <summary>Runs each job once, in turn; a job stopped on 401/403 ends the tenant's cycle.</summary>
    public async Task<IReadOnlyList<RunRecord>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        foreach (var job in jobs.Jobs)
        {
            var run = await job.RunAsync(engine, cancellationToken);
            runs.Add(run);
            if (run.Outcome == RunOutcome.Stopped || cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return runs;
    }

    /// <summary>The exit code a tenant's runs call for (SAMPLE.md).</summary>
    public static int ExitCodeOf(IEnumerable<RunRecord> runs) => runs.Select(run => run.Outcome switch
    {
        RunOutcome.Stopped when run.ErrorsByClass.Keys.Any(c => c.StopsJob()) => ExitCodes.AccessDenied,
        RunOutcome.Failed => ExitCodes.SourceUnavailable,
        _ => ExitCodes.Done,
    }).DefaultIfEmpty(ExitCodes.Done).Max();
}
