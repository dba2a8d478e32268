using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// One tenant's three jobs (users, projects, groups) from its VOMO organization into the CRM. The jobs share the
/// tenant's client (and so its request budget, see <see cref="TenantClients"/>) and circuit breaker, and no other
/// tenant's: one tenant's outage never stops another.
/// </summary>
internal sealed class TenantSync
{
    private readonly IReadOnlyList<Func<CancellationToken, Task<RunRecord>>> _jobs;

    public TenantSync(SyncEngine engine, CrmDatabase crm, string tenant, VomoClient client, Action<SyncJobOptions>? configure = null, ConnectionTuning? tuning = null)
    {
        Tenant = tenant;
        tuning ??= new ConnectionTuning();
        var sourceOptions = tuning.SourceOptions();
        var jobs = new List<MonitoredJob>();
        SyncJobOptions Options(string stream)
        {
            var options = new SyncJobOptions();
            Configure(options, tenant, tuning);
            configure?.Invoke(options);
            jobs.Add(new MonitoredJob(new JobId(tenant, stream), options));
            return options;
        }

        _jobs = [.. VomoStreams.All.Select(stream => stream.Bind(engine, crm, tenant, client, sourceOptions, Options(stream.Name)))];
        Jobs = jobs;
    }

    public string Tenant { get; }

    /// <summary>The tenant's jobs with their options, for health checks.</summary>
    public IReadOnlyList<MonitoredJob> Jobs { get; }

    /// <summary>
    /// A tenant job's options: its own source name (so its own circuit breaker), a lookback past the replica lag, and
    /// the tuning's retry delay. No <see cref="SyncJobOptions.SourceRateLimiter"/>: the tenant's client takes a permit
    /// of its budget for every request it sends, including those the engine does not see (pages read ahead, member
    /// pages, listings), and a second permit for the same request would halve the budget.
    /// </summary>
    public static void Configure(SyncJobOptions options, string tenant, ConnectionTuning tuning)
    {
        options.SourceName = $"vomo:{tenant}";

        // A full reconciliation confirms each key missing from the listing (and, for groups, checks every group) with
        // a lookup; a few at a time hide their round trips, and the client keeps them all to the budget.
        options.Reconciliation.LookupConcurrency = FullListing.ConcurrentRequests;
        options.Lookback = TimeSpan.FromMinutes(1);
        options.RetryBaseDelay = tuning.RetryBaseDelay;
        options.Cadence = tuning.Cadence;
    }

    /// <summary>Runs each job once, in turn; a job stopped on 401/403 ends the tenant's cycle.</summary>
    public async Task<IReadOnlyList<RunRecord>> RunOnceAsync(CancellationToken cancellationToken)
    {
        var runs = new List<RunRecord>();
        foreach (var job in _jobs)
        {
            var run = await job(cancellationToken);
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

        // Only a store failure stops a job with a permanent error: any other dead-letters its record.
        RunOutcome.Stopped when run.ErrorsByClass.ContainsKey(ErrorClass.Permanent) => ExitCodes.StoreFailed,
        RunOutcome.Failed => ExitCodes.SourceUnavailable,
        _ => ExitCodes.Done,
    }).DefaultIfEmpty(ExitCodes.Done).Max();
}
