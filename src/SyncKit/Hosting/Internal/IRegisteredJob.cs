namespace SyncKit.Hosting.Internal;

/// <summary>A registered job with its record type erased, so the scheduler can run any job.</summary>
internal interface IRegisteredJob
{
    string Stream { get; }

    /// <summary>Whether tenants' options differ from the stream's.</summary>
    bool ConfiguresTenants { get; }

    IEnumerable<string> Tenants(IServiceProvider services);

    /// <summary>Applies the per-tenant settings to a copy of the stream's options.</summary>
    void ConfigureTenant(string tenant, SyncJobOptions options);

    Task<RunRecord> RunAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, CancellationToken cancellationToken);

    Task<RunRecord> RetryDeadLettersAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken);

    Task<ReplayResult<string>> ReplayAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ReconcileDueAsync(IServiceProvider services, SyncReconciler reconciler, StaggerPlan stagger, string tenant, SyncJobOptions options, CancellationToken cancellationToken);

    /// <summary>Runs one pass now: <paramref name="pass"/> is <see cref="RunKind.IncrementalReconciliation"/> or <see cref="RunKind.FullReconciliation"/>.</summary>
    Task<RunRecord> ReconcileAsync(IServiceProvider services, SyncReconciler reconciler, string tenant, SyncJobOptions options, RunKind pass, CorrectionMode correction, CancellationToken cancellationToken);

    Task<RunRecord> ForceRepairAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, IReadOnlyList<string> recordKeys, string actor, string? reason, CancellationToken cancellationToken);
}
