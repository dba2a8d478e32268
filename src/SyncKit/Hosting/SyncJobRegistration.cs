using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using SyncKit.Hosting.Internal;

namespace SyncKit;

/// <summary>Describes a registered job: its tenants, source, destination and options.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class SyncJobRegistration<T> : IRegisteredJob
{
    private readonly List<Action<SyncJobOptions>> _configureOptions = [];
    private readonly List<Action<string, SyncJobOptions>> _configureTenantOptions = [];
    private Func<IServiceProvider, IEnumerable<string>>? _tenants;
    private Func<IServiceProvider, string, ISource<T>>? _source;
    private Func<IServiceProvider, string, IDestination<T>>? _destination;
    private Func<IServiceProvider, IRecordSerializer<T>>? _serializer;
    private Func<IServiceProvider, IFieldComparer<T>>? _fieldComparer;

    internal SyncJobRegistration(string stream) => Stream = stream;

    /// <summary>The stream's name.</summary>
    public string Stream { get; }

    /// <summary>Syncs the stream for these tenants.</summary>
    /// <param name="tenants">The tenants.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> ForTenants(params string[] tenants)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        var copy = tenants.ToArray();
        return ForTenants(_ => copy);
    }

    /// <summary>Syncs the stream for the tenants a service provides at start-up (for example from configuration).</summary>
    /// <param name="tenants">Lists the tenants.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> ForTenants(Func<IServiceProvider, IEnumerable<string>> tenants)
    {
        _tenants = tenants ?? throw new ArgumentNullException(nameof(tenants));
        return this;
    }

    /// <summary>Reads from the source the factory creates for each tenant (once per run).</summary>
    /// <param name="factory">Creates the tenant's source.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> UseSource(Func<IServiceProvider, string, ISource<T>> factory)
    {
        _source = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Writes to the destination the factory creates for each tenant (once per run).</summary>
    /// <param name="factory">Creates the tenant's destination.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> UseDestination(Func<IServiceProvider, string, IDestination<T>> factory)
    {
        _destination = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Keeps dead-letter payloads with this serializer instead of reflection-based JSON.</summary>
    /// <param name="factory">Creates the serializer.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> UseSerializer(Func<IServiceProvider, IRecordSerializer<T>> factory)
    {
        _serializer = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>
    /// Compares a record with the destination's row of it during reconciliation (drift detection) with the comparer
    /// the factory creates, instead of the JSON of both: for example to compare only the fields the destination keeps.
    /// </summary>
    /// <remarks>The factory runs whenever the job is created for a run or an operation, as <see cref="UseSource"/>'s does.</remarks>
    /// <param name="factory">Creates the comparer.</param>
    /// <returns>This registration.</returns>
    /// <seealso cref="SyncJob{T}.FieldComparer"/>
    public SyncJobRegistration<T> UseFieldComparer(Func<IServiceProvider, IFieldComparer<T>> factory)
    {
        _fieldComparer = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Sets the job's options (validated when the host starts).</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> Configure(Action<SyncJobOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureOptions.Add(configure);
        return this;
    }

    /// <summary>
    /// Sets each tenant's job options, after the stream's: for what must differ per tenant, such as the source's
    /// name (one circuit breaker per name) and its rate limiter when each tenant has its own quota at the source.
    /// </summary>
    /// <remarks>
    /// Runs once per tenant, when the tenant's job first runs or its options are first asked for, on a fresh copy of
    /// the stream's options; the result is validated then. Give jobs of one tenant that read the same source the same
    /// rate limiter instance (for example from a dictionary keyed by tenant).
    /// </remarks>
    /// <param name="configure">Changes the options of the tenant it is given.</param>
    /// <returns>This registration.</returns>
    public SyncJobRegistration<T> Configure(Action<string, SyncJobOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureTenantOptions.Add(configure);
        return this;
    }

    bool IRegisteredJob.ConfiguresTenants => _configureTenantOptions.Count > 0;

    void IRegisteredJob.ConfigureTenant(string tenant, SyncJobOptions options) => _configureTenantOptions.ForEach(c => c(tenant, options));

    IEnumerable<string> IRegisteredJob.Tenants(IServiceProvider services) => _tenants!(services);

    Task<RunRecord> IRegisteredJob.RunAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, CancellationToken cancellationToken) =>
        engine.RunAsync(CreateJob(services, tenant, options), cancellationToken);

    Task<RunRecord> IRegisteredJob.RetryDeadLettersAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken) =>
        new DeadLetterOperations(engine).RetryNowAsync(CreateJob(services, tenant, options), recordKeys, actor, cancellationToken);

    async Task<ReplayResult<string>> IRegisteredJob.ReplayAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var job = CreateJob(services, tenant, options);
        var replay = await new WindowOperations(engine).ReplayAsync(job, from, to, cancellationToken).ConfigureAwait(false);
        var operations = replay.Operations
            .Select(o => new ReplayOperation<string>(o.Action, new SourceRecord<string>(o.Record.Key, o.Record.Position, job.Serializer.Serialize(o.Record.Value))))
            .ToList();
        return new ReplayResult<string>(replay.Run, operations);
    }

    Task<IReadOnlyList<RunRecord>> IRegisteredJob.ReconcileDueAsync(IServiceProvider services, SyncReconciler reconciler, StaggerPlan stagger, string tenant, SyncJobOptions options, CancellationToken cancellationToken) =>
        reconciler.RunDueAsync(CreateJob(services, tenant, options), stagger, cancellationToken);

    Task<RunRecord> IRegisteredJob.ReconcileAsync(IServiceProvider services, SyncReconciler reconciler, string tenant, SyncJobOptions options, RunKind pass, CorrectionMode correction, CancellationToken cancellationToken)
    {
        var job = CreateJob(services, tenant, options);
        return pass == RunKind.FullReconciliation
            ? reconciler.ReconcileFullAsync(job, correction, cancellationToken)
            : reconciler.ReconcileIncrementalAsync(job, correction, cancellationToken);
    }

    Task<RunRecord> IRegisteredJob.ForceRepairAsync(IServiceProvider services, SyncEngine engine, string tenant, SyncJobOptions options, IReadOnlyList<string> recordKeys, string actor, string? reason, CancellationToken cancellationToken) =>
        new RepairOperations(engine).ForceRepairAsync(CreateJob(services, tenant, options), recordKeys, actor, reason, cancellationToken);

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reflection-based JSON is the documented default; UseSerializer avoids it.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reflection-based JSON is the documented default; UseSerializer avoids it.")]
    private SyncJob<T> CreateJob(IServiceProvider services, string tenant, SyncJobOptions options)
    {
        var serializer = _serializer?.Invoke(services) ?? new JsonRecordSerializer<T>();
        return new SyncJob<T>(new JobId(tenant, Stream), _source!(services, tenant), _destination!(services, tenant), serializer)
        {
            Options = options,
            FieldComparer = _fieldComparer?.Invoke(services),
        };
    }

    internal void ConfigureOptions(SyncJobOptions options) => _configureOptions.ForEach(c => c(options));

    internal void Validate()
    {
        var missing = new (object? Value, string Call)[] { (_tenants, "ForTenants"), (_source, "UseSource"), (_destination, "UseDestination") }
            .Where(p => p.Value is null)
            .Select(p => p.Call)
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"SyncKit job '{Stream}' is incomplete: call {string.Join(", ", missing)} when registering it.");
        }
    }
}
