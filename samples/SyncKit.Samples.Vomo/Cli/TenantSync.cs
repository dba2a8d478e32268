using System.Threading.RateLimiting;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// One tenant's three jobs (users, projects, groups) from its VOMO organization into the CRM. The jobs share the
/// tenant's client, request budget and circuit breaker, and no other tenant's: one tenant's outage never stops another.
/// </summary>
internal sealed class TenantSync : IDisposable
{
    private readonly RateLimiter _budget;
    private readonly IReadOnlyList<Func<CancellationToken, Task<RunRecord>>> _jobs;

    public TenantSync(SyncEngine engine, CrmDatabase crm, string tenant, VomoClient client, Action<SyncJobOptions>? configure = null, ConnectionTuning? tuning = null)
    {
        Tenant = tenant;
        tuning ??= new ConnectionTuning();
        var budget = _budget = Budget(tuning);
        var sourceOptions = tuning.SourceOptions();
        var jobs = new List<MonitoredJob>();
        SyncJobOptions Options(string stream)
        {
            var options = new SyncJobOptions();
            Configure(options, tenant, budget, tuning);
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

    /// <summary>A tenant's request budget: VOMO's is per token, so every job of the tenant shares one.</summary>
    public static TokenBucketRateLimiter Budget(ConnectionTuning tuning)
    {
        // Refill about ten times a second so the budget stays smooth rather than bursting once a second.
        var tokens = (int)Math.Ceiling(tuning.RequestsPerSecond / 10);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / tuning.RequestsPerSecond),
            QueueLimit = 1_000,
        });
    }

    /// <summary>
    /// A tenant job's options: its own source name (so its own circuit breaker) and the tenant's budget, a lookback
    /// past the replica lag, and the tuning's retry delay.
    /// </summary>
    public static void Configure(SyncJobOptions options, string tenant, RateLimiter? budget, ConnectionTuning tuning)
    {
        options.SourceName = $"vomo:{tenant}";
        options.SourceRateLimiter = budget;
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
        RunOutcome.Failed => ExitCodes.SourceUnavailable,
        _ => ExitCodes.Done,
    }).DefaultIfEmpty(ExitCodes.Done).Max();

    public void Dispose() => _budget.Dispose();

}
