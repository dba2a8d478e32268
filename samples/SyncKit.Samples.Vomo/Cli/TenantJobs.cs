using System.Threading.RateLimiting;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// One tenant's three jobs (users, projects, groups) from its VOMO organization into the CRM. The jobs share the
/// tenant's client, request budget and circuit breaker, and no other tenant's: one tenant's outage never stops another.
/// </summary>
internal sealed class TenantJobs : IDisposable
{
    /// <summary>The resources, in the order a cycle syncs them.</summary>
    public static readonly IReadOnlyList<string> Resources = ["users", "projects", "groups"];

    private readonly RateLimiter _budget;

    private TenantJobs(string tenant, RateLimiter budget, IReadOnlyList<TenantJob> jobs)
    {
        Tenant = tenant;
        _budget = budget;
        Jobs = jobs;
    }

    public string Tenant { get; }

    public IReadOnlyList<TenantJob> Jobs { get; }

    /// <summary>Builds the tenant's jobs. <paramref name="configure"/> adjusts every job's options last (tests shorten retries with it).</summary>
    public static TenantJobs Create(string tenant, VomoClient client, CrmDatabase crm, ConnectionTuning tuning, Action<SyncJobOptions>? configure = null)
    {
        var budget = TenantSync.Budget(tuning);
        var sourceOptions = tuning.SourceOptions();
        SyncJobOptions Options(Action<SyncJobOptions>? resource = null)
        {
            var options = OptionsFor(tenant, tuning, budget);
            resource?.Invoke(options);
            configure?.Invoke(options);
            return options;
        }

        IDestination<T> Crm<T>(CrmTable<T> table, string resource, Func<string, T, WelcomeNotification?>? welcome = null) => crm.Destination(table, welcome, new JobId(tenant, resource));

        return new TenantJobs(tenant, budget,
        [
            Job(new SyncJob<VomoUser>(new JobId(tenant, "users"), new VomoSource<VomoUser>(client, VomoResources.Users, sourceOptions), Crm(CrmTable<VomoUser>.Contacts, "users", CrmWelcomes.Accepted), VomoRecordSerializers.Users)
                { Options = Options(), FieldComparer = CrmTable<VomoUser>.Contacts }),
            Job(new SyncJob<VomoProject>(new JobId(tenant, "projects"), new VomoSource<VomoProject>(client, VomoResources.Projects, sourceOptions), Crm(CrmTable<VomoProject>.Projects, "projects"), VomoRecordSerializers.Projects)
                { Options = Options(), FieldComparer = CrmTable<VomoProject>.Projects }),

            // Membership changes do not move a group's updated_at, so every reconciliation re-reads every group's
            // members (a group's version includes them), and the drift this finds is expected, not a polling gap.
            Job(new SyncJob<VomoGroupRecord>(new JobId(tenant, "groups"), new VomoGroupSource(client, sourceOptions), Crm(CrmTable<VomoGroupRecord>.Groups, "groups"), VomoRecordSerializers.Groups)
                { Options = Options(o => o.Reconciliation = new ReconciliationSettings { DriftSampleRate = 1, GapThreshold = 1 }), FieldComparer = CrmTable<VomoGroupRecord>.Groups }),
        ]);
    }

    /// <summary>A tenant's job options as <see cref="TenantSync"/> sets them: its own breaker, its budget, lookback and cadence.</summary>
    public static SyncJobOptions OptionsFor(string tenant, ConnectionTuning tuning, RateLimiter? budget = null)
    {
        var options = new SyncJobOptions();
        TenantSync.Configure(options, tenant, budget, tuning);
        return options;
    }

    public void Dispose() => _budget.Dispose();

    private static TenantJob<T> Job<T>(SyncJob<T> job) => new(job);
}
