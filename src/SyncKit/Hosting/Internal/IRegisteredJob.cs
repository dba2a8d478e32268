namespace SyncKit.Hosting.Internal;

/// <summary>A registered job with its record type erased, so the scheduler can run any job.</summary>
internal interface IRegisteredJob
{
    string Stream { get; }

    IEnumerable<string> Tenants(IServiceProvider services);

    Task<RunRecord> RunAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ReconcileDueAsync(IServiceProvider services, SyncReconciler reconciler, StaggerPlan stagger, string tenant, SyncJobOptions options, CancellationToken cancellationToken);
}
