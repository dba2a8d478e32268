using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SyncKit.Diagnostics.Internal;
using SyncKit.Hosting.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Leases.Internal;

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
            SyncJobOptionsValidator.ThrowIfInvalid(id, options, _validators);
            return options;
        });
    }

    /// <summary>Runs one job once, from its checkpoint.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Asks for a graceful stop (see <see cref="SyncEngine.RunAsync{T}(SyncJob{T}, CancellationToken)"/>).</param>
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
    /// <remarks>Holds the job as <see cref="RetryDeadLettersAsync"/> does.</remarks>
    public Task<RunRecord> ForceRepairAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        var registered = Require(job);
        return UnderLeaseAsync(
            job,
            RunKind.ForceRepair,
            token => registered.ForceRepairAsync(_services, _engine, job.Tenant, OptionsFor(job), recordKeys, actor, reason, token),
            cancellationToken);
    }

    /// <summary>
    /// Retries a registered job's dead letters now, as <see cref="DeadLetterOperations.RetryNowAsync{T}"/> does,
    /// without the caller knowing the job's record type.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="recordKeys">The records to retry.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="cancellationToken">Cancels the retry, or the wait for the job.</param>
    /// <returns>The retry's run record, also saved in run history with the actor.</returns>
    /// <remarks>
    /// Like every operator action of the runner, it has the job to itself: it waits for the job's run in progress in
    /// this host, and with an <see cref="IJobLeaseManager"/> registered it holds the job's lease while it acts, waiting
    /// while another instance (or this one's scheduler) holds it.
    /// </remarks>
    public Task<RunRecord> RetryDeadLettersAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken = default)
    {
        var registered = Require(job);
        return UnderLeaseAsync(
            job,
            RunKind.DeadLetterRetry,
            token => registered.RetryDeadLettersAsync(_services, _engine, job.Tenant, OptionsFor(job), recordKeys, actor, token),
            cancellationToken);
    }

    /// <summary>Discards a registered job's dead letters as they were listed, as <see cref="DeadLetterOperations.DiscardAsync"/> does.</summary>
    /// <param name="job">The job.</param>
    /// <param name="entries">The entries, by record key and the position they were listed at; one whose record failed again since is kept.</param>
    /// <param name="actor">Who discards them.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the discard, or the wait for the job.</param>
    /// <returns>The run record of kind <see cref="RunKind.DeadLetterDiscard"/>.</returns>
    /// <remarks>Holds the job as <see cref="RetryDeadLettersAsync"/> does.</remarks>
    public Task<RunRecord> DiscardDeadLettersAsync(JobId job, IReadOnlyList<DeadLetterId> entries, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        Require(job);
        return UnderLeaseAsync(job, RunKind.DeadLetterDiscard, token => new DeadLetterOperations(_engine).DiscardAsync(job, entries, actor, reason, token), cancellationToken);
    }

    /// <summary>Moves or removes a registered job's checkpoint, as <see cref="CheckpointOperations.ResetAsync"/> does.</summary>
    /// <param name="job">The job.</param>
    /// <param name="position">The new checkpoint; <see langword="null"/> removes it.</param>
    /// <param name="actor">Who resets it.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the reset, or the wait for the job.</param>
    /// <returns>The run record of kind <see cref="RunKind.CheckpointReset"/>.</returns>
    /// <remarks>Holds the job as <see cref="RetryDeadLettersAsync"/> does, so no instance's run commits its watermark over the reset.</remarks>
    public Task<RunRecord> ResetCheckpointAsync(JobId job, Cursor? position, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        Require(job);
        return UnderLeaseAsync(job, RunKind.CheckpointReset, token => new CheckpointOperations(_engine).ResetAsync(job, position, actor, reason, token), cancellationToken);
    }

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
        Require(job).ReplayAsync(_services, _engine, job.Tenant, OptionsFor(job), from, to, cancellationToken);

    /// <summary>
    /// Runs an operator action under the job's lease when hosts share jobs through an <see cref="IJobLeaseManager"/>:
    /// while another instance holds it (or this one's scheduler does), looks again every renew interval. Waiting, rather
    /// than failing, queues the action behind the job's run in progress, as the job's gate does in one host.
    /// </summary>
    private async Task<RunRecord> UnderLeaseAsync(JobId job, RunKind kind, Func<CancellationToken, Task<RunRecord>> action, CancellationToken cancellationToken)
    {
        if (_services.GetService<IJobLeaseManager>() is not { } leases)
        {
            return await action(cancellationToken).ConfigureAwait(false);
        }

        var services = _engine.Services;
        var lease = await HeldLease.TryAcquireAsync(leases, job, services.TimeProvider, services.Logger, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            Log.WaitingForLease(services.Logger, kind, job.Tenant, job.Stream);
        }

        while (lease is null)
        {
            await Task.Delay(leases.RenewInterval, services.TimeProvider, cancellationToken).ConfigureAwait(false);
            lease = await HeldLease.TryAcquireAsync(leases, job, services.TimeProvider, services.Logger, cancellationToken).ConfigureAwait(false);
        }

        await using (lease.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
            return await action(stop.Token).ConfigureAwait(false);
        }
    }

    private IRegisteredJob Require(JobId job) =>
        Jobs.Contains(job)
            ? Registered(job.Stream)
            : throw new ArgumentException($"No SyncKit job is registered for tenant '{job.Tenant}' and stream '{job.Stream}'.", nameof(job));

    private IRegisteredJob Registered(string stream) =>
        _jobs.TryGetValue(stream, out var job)
            ? job
            : throw new ArgumentException($"No SyncKit job is registered for stream '{stream}'.", nameof(stream));
}
