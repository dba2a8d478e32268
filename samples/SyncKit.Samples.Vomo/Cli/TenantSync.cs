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
    private readonly SyncEngine _engine;
    private readonly TokenBucketRateLimiter _budget;
    private readonly IReadOnlyList<Func<CancellationToken, Task<RunRecord>>> _jobs;

    public TenantSync(SyncEngine engine, CrmDatabase crm, string tenant, VomoClient client, TimeProvider time, Action<SyncJobOptions>? configure = null)
    {
        _engine = engine;
        Tenant = tenant;

        // VOMO's budget is per token; stay a little under the simulator's documented default of 20 requests/s.
        var budget = _budget = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 15,
            TokensPerPeriod = 15,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 1_000,
        });
        var sourceOptions = new VomoSourceOptions();
        SyncJobOptions Options()
        {
            var options = new SyncJobOptions { SourceName = $"vomo:{tenant}", SourceRateLimiter = budget, Lookback = TimeSpan.FromMinutes(1) };
            configure?.Invoke(options);
            return options;
        }

        _jobs =
        [
            Job(new SyncJob<VomoUser>(new JobId(tenant, "users"), new VomoSource<VomoUser>(client, VomoResources.Users, sourceOptions), crm.Destination(CrmTable<VomoUser>.Contacts, CrmWelcomes.Accepted, time), VomoRecordSerializers.Users) { Options = Options() }),
            Job(new SyncJob<VomoProject>(new JobId(tenant, "projects"), new VomoSource<VomoProject>(client, VomoResources.Projects, sourceOptions), crm.Destination(CrmTable<VomoProject>.Projects, null, time), VomoRecordSerializers.Projects) { Options = Options() }),
            Job(new SyncJob<VomoGroupRecord>(new JobId(tenant, "groups"), new VomoGroupSource(client, sourceOptions), crm.Destination(CrmTable<VomoGroupRecord>.Groups, null, time), VomoRecordSerializers.Groups) { Options = Options() }),
        ];
    }

    public string Tenant { get; }

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

    private Func<CancellationToken, Task<RunRecord>> Job<T>(SyncJob<T> job) => token => _engine.RunAsync(job, token);
}
