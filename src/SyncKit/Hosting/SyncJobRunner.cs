using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SyncKit.Hosting.Internal;

namespace SyncKit;

/// <summary>Runs registered jobs on demand; the hosted scheduler runs them through it too.</summary>
public sealed class SyncJobRunner
{
    private readonly IServiceProvider _services;
    private readonly SyncEngine _engine;
    private readonly SyncReconciler _reconciler;
    private readonly IOptionsMonitor<SyncJobOptions> _options;
    private readonly IOptionsFactory<SyncJobOptions> _optionsFactory;
    private readonly IValidateOptions<SyncJobOptions>[] _validators;
    private readonly ConcurrentDictionary<JobId, SyncJobOptions> _tenantOptions = new();
    private readonly Dictionary<string, IRegisteredJob> _jobs;
    private readonly Lazy<IReadOnlyList<JobId>> _jobIds;
    private readonly Lazy<StaggerPlan> _stagger;

    internal SyncJobRunner(
        IServiceProvider services,
        SyncEngine engine,
        IOptionsMonitor<SyncJobOptions> options,
        IOptionsFactory<SyncJobOptions> optionsFactory,
        IEnumerable<IValidateOptions<SyncJobOptions>> validators,
        IEnumerable<IRegisteredJob> jobs)
    {
        _services = services;
        _engine = engine;
        _reconciler = new SyncReconciler(engine);
        _options = options;
        _optionsFactory = optionsFactory;
        _validators = [.. validators];
        _jobs = [];
        foreach (var job in jobs)
        {
            if (!_jobs.TryAdd(job.Stream, job))
            {
                throw new InvalidOperationException($"SyncKit job '{job.Stream}' is registered twice; stream names must be unique.");
            }
        }

        _jobIds = new Lazy<IReadOnlyList<JobId>>(() => [.. _jobs.Values.SelectMany(j => j.Tenants(_services).Select(t => new JobId(t, j.Stream)))]);
        _stagger = new Lazy<StaggerPlan>(() => new StaggerPlan(Jobs.Select(j => j.Tenant).Distinct()));
    }

    /// <summary>Every registered job, one per stream and tenant.</summary>
    public IReadOnlyList<JobId> Jobs => _jobIds.Value;

    /// <summary>The options of a registered stream, before any per-tenant settings.</summary>
    /// <param name="stream">The stream.</param>
    /// <returns>Its validated options.</returns>
    public SyncJobOptions OptionsFor(string stream) => _options.Get(Registered(stream).Stream);

    /// <summary>The options one tenant's job runs with: the stream's, then the registration's per-tenant settings.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Its validated options.</returns>
    /// <exception cref="OptionsValidationException">The per-tenant settings made the options invalid.</exception>
    public SyncJobOptions OptionsFor(JobId job)
    {
        var registered = Registered(job.Stream);
        if (!registered.ConfiguresTenants)
        {
            return _options.Get(job.Stream);
        }

        return _tenantOptions.GetOrAdd(job, id =>
        {
            // A fresh instance: the monitor's is shared by every tenant of the stream.
            var options = _optionsFactory.Create(id.Stream);
            registered.ConfigureTenant(id.Tenant, options);
            var failures = _validators
                .Select(v => v.Validate(id.Stream, options))
                .Where(r => r.Failed)
                .SelectMany(r => r.Failures ?? [r.FailureMessage ?? "invalid"])
                .Select(failure => $"{id}: {failure}")
                .ToList();
            return failures.Count == 0 ? options : throw new OptionsValidationException(id.ToString(), typeof(SyncJobOptions), failures);
        });
    }

    /// <summary>Runs one job once, from its checkpoint.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Asks for a graceful stop (see <see cref="SyncEngine.RunAsync{T}"/>).</param>
    /// <returns>The run's record.</returns>
    public Task<RunRecord> RunAsync(JobId job, CancellationToken cancellationToken = default) =>
        Require(job).RunAsync(_services, _engine, job.Tenant, OptionsFor(job), cancellationToken);

    /// <summary>
    /// Runs the reconciliation passes that are due for one job (see <see cref="SyncReconciler.RunDueAsync{T}"/>), each
    /// tenant at its own slot among all registered tenants. The hosted scheduler calls this after each regular run.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Stops the passes; what they did so far is reported.</param>
    /// <returns>The run records of the passes that ran (none when nothing was due or the job cannot be reconciled).</returns>
    public Task<IReadOnlyList<RunRecord>> ReconcileDueAsync(JobId job, CancellationToken cancellationToken = default) =>
        Require(job).ReconcileDueAsync(_services, _reconciler, _stagger.Value, job.Tenant, OptionsFor(job), cancellationToken);

    /// <summary>
    /// Runs one reconciliation pass of a registered job now, whatever its schedule, with the options the job runs
    /// with (its tenant's, see <see cref="OptionsFor(JobId)"/>), as <see cref="SyncReconciler.ReconcileIncrementalAsync{T}"/>
    /// and <see cref="SyncReconciler.ReconcileFullAsync{T}"/> do.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="pass">Which pass: <see cref="RunKind.IncrementalReconciliation"/> or <see cref="RunKind.FullReconciliation"/>.</param>
    /// <param name="correction">What to do about what the pass finds.</param>
    /// <param name="cancellationToken">Stops the pass; what it did so far is reported.</param>
    /// <returns>The pass's run record, also stored, with its <see cref="ReconciliationReport"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pass"/> is not a reconciliation pass.</exception>
    /// <exception cref="InvalidOperationException">The job's source or destination lacks a capability the pass needs.</exception>
    /// <remarks>The pass counts as the latest of its kind: the scheduled one waits for the tenant's next slot.</remarks>
    public Task<RunRecord> ReconcileNowAsync(JobId job, RunKind pass, CorrectionMode correction = CorrectionMode.Automatic, CancellationToken cancellationToken = default)
    {
        if (pass is not (RunKind.IncrementalReconciliation or RunKind.FullReconciliation))
        {
            throw new ArgumentOutOfRangeException(nameof(pass), pass, $"A reconciliation pass is {RunKind.IncrementalReconciliation} or {RunKind.FullReconciliation}.");
        }

        return Require(job).ReconcileAsync(_services, _reconciler, job.Tenant, OptionsFor(job), pass, correction, cancellationToken);
    }

    /// <summary>
    /// Overwrites a registered job's records whatever version the destination holds, as
    /// <see cref="RepairOperations.ForceRepairAsync{T}"/> does, with the options the job runs with.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The records to overwrite, typically a pass's unrepaired keys.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Asks for a graceful stop, as for a regular run.</param>
    /// <returns>The force repair's run record, also saved in run history with the actor, reason and keys.</returns>
    /// <exception cref="InvalidOperationException">The job's destination cannot overwrite or its source cannot look a record up by key.</exception>
    public Task<RunRecord> ForceRepairAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, string? reason = null, CancellationToken cancellationToken = default) =>
        Require(job).ForceRepairAsync(_services, _engine, job.Tenant, OptionsFor(job), recordKeys, actor, reason, cancellationToken);

    /// <summary>
    /// Retries a registered job's dead letters now, as <see cref="DeadLetterOperations.RetryNowAsync{T}"/> does,
    /// without the caller knowing the job's record type.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The records to retry.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the retry.</param>
    /// <returns>The retry's run record, also saved in run history with the actor.</returns>
    public Task<RunRecord> RetryDeadLettersAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken = default) =>
        Require(job).RetryDeadLettersAsync(_services, _engine, job.Tenant, _options.Get(job.Stream), recordKeys, actor, cancellationToken);

    /// <summary>
    /// Replays a registered job over <c>[from, to)</c> as a dry run, as <see cref="WindowOperations.ReplayAsync{T}"/>
    /// does, without the caller knowing the job's record type: each operation's record is the payload the job's
    /// serializer writes (the form its dead letters keep). Nothing is written anywhere.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="from">The window's inclusive start.</param>
    /// <param name="to">The window's exclusive end.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The run (not stored) and the operations that would run, in position order.</returns>
    public Task<ReplayResult<string>> ReplayAsync(JobId job, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        Require(job).ReplayAsync(_services, _engine, job.Tenant, _options.Get(job.Stream), from, to, cancellationToken);

    private IRegisteredJob Require(JobId job) =>
        Jobs.Contains(job)
            ? Registered(job.Stream)
            : throw new ArgumentException($"No SyncKit job is registered for tenant '{job.Tenant}' and stream '{job.Stream}'.", nameof(job));

    private IRegisteredJob Registered(string stream) =>
        _jobs.TryGetValue(stream, out var job)
            ? job
            : throw new ArgumentException($"No SyncKit job is registered for stream '{stream}'.", nameof(stream));
}
