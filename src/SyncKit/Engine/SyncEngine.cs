using System.Diagnostics.Metrics;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit;

/// <summary>
/// Runs sync jobs: read changes after the checkpoint (minus the lookback), write them in partitioned
/// batches, and commit the checkpoint only as far as every earlier record is durably handled.
/// One engine serves every job of a host; it owns the circuit breakers, which outlive single runs.
/// </summary>
public sealed class SyncEngine
{
    private readonly EngineServices _services;

    /// <summary>Creates an engine.</summary>
    /// <param name="store">Where checkpoints, dedup marks, dead letters and run history live.</param>
    /// <param name="timeProvider">The clock; defaults to the system clock.</param>
    /// <param name="loggerFactory">Logging; defaults to none.</param>
    /// <param name="meterFactory">Creates the <c>SyncKit</c> meter; without one a shared meter is used.</param>
    /// <param name="classifiers">The connectors' error classifiers, asked before the built-in rules.</param>
    public SyncEngine(
        ISyncStateStore store,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        IEnumerable<IErrorClassifier>? classifiers = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        timeProvider ??= TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SyncKit");
        var classifier = new DefaultErrorClassifier(classifiers, timeProvider);
        _services = new EngineServices(
            store,
            timeProvider,
            logger,
            new SyncKitMetrics(meterFactory, timeProvider),
            new SyncResilience(timeProvider, classifier, logger),
            new PollingActivity(),
            new JobGates(logger));
    }

    /// <summary>The state store the engine commits to.</summary>
    public ISyncStateStore Store => _services.Store;

    /// <summary>The classifier the engine uses for every failure.</summary>
    public IErrorClassifier Classifier => _services.Resilience.Classifier;

    /// <summary>The services runs share, for the features built on the engine (reconciliation, operator actions, health).</summary>
    internal EngineServices Services => _services;

    /// <summary>The state of the circuit breakers a job's runs go through.</summary>
    /// <param name="job">The job.</param>
    /// <param name="options">The job's options, which name its source and destination.</param>
    /// <returns>The source's and the tenant destination's breaker state; breakers no run has used yet are closed.</returns>
    public JobBreakerStates GetBreakerStates(JobId job, SyncJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var resilience = _services.Resilience;
        return new JobBreakerStates(
            resilience.StateOf(SyncResilience.SourceKey(options, job)),
            resilience.StateOf(SyncResilience.DestinationKey(options, job)));
    }

    /// <summary>
    /// Runs a job once: re-drives due dead letters, then reads until the source has no more changes.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">
    /// Asks for a graceful stop: no new page is read and no new batch starts; batches in flight finish and
    /// commit within <see cref="SyncJobOptions.ShutdownGracePeriod"/>, and the run ends <see cref="RunOutcome.Cancelled"/>.
    /// </param>
    /// <returns>The run's record, also saved in run history. Failures are reported in it, not thrown.</returns>
    /// <remarks>
    /// A run has its job to itself in this engine: it waits for another run of the job, or an operator action on it
    /// (<see cref="DeadLetterOperations"/>, <see cref="CheckpointOperations"/>, <see cref="WindowOperations.BackfillAsync{T}"/>), to end first.
    /// </remarks>
    /// <exception cref="OperationCanceledException">The stop was asked while the run waited for the job; it did not start.</exception>
    /// <exception cref="OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    public Task<RunRecord> RunAsync<T>(SyncJob<T> job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        return RunAsync(job, RunRequest<T>.Sync(job), cancellationToken);
    }

    /// <summary>Runs a job as <paramref name="request"/> says: a regular run, or a run over a window or a list of records that leaves the checkpoint alone.</summary>
    internal async Task<RunRecord> RunAsync<T>(SyncJob<T> job, RunRequest<T> request, CancellationToken cancellationToken)
    {
        // A replay writes nothing, so it may overlap anything; every other run has the job to itself.
        using var exclusive = request.WritesState ? await _services.Gates.EnterAsync(job.Id, request.Kind, cancellationToken).ConfigureAwait(false) : null;
        using var activity = SyncKitActivity.StartRun("synckit.run", job.Id, request.Kind, out var runId);

        // Background work on the same source waits while regular runs poll it.
        using var polling = request.Kind == RunKind.Sync ? _services.Polling.Enter(SyncResilience.SourceKey(job.Options, job.Id)) : null;
        var context = new RunContext<T>(job, runId, _services, request);
        var run = new SyncRun<T>(context);
        var startedAt = _services.TimeProvider.GetUtcNow();
        var record = new RunRecord(runId, job.Id, startedAt, null, RunOutcome.Running, request.Window?.From, request.Window?.To, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null)
        {
            Kind = request.Kind,
            Report = request.Report,
        };
        if (request.WritesState)
        {
            await _services.Store.Runs.SaveRunAsync(record, CancellationToken.None).ConfigureAwait(false);
        }

        var (outcome, error) = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);

        var counts = context.Evidence.Counts();
        record = record with
        {
            EndedAt = _services.TimeProvider.GetUtcNow(),
            Outcome = outcome,
            CursorFrom = request.Window?.From ?? run.StartedFrom,
            CursorTo = request.Window?.To ?? run.Committed,
            Horizon = run.Horizon,
            Counts = counts,
            ErrorsByClass = context.Evidence.ErrorsByClass(),
            SampleRecordKeys = context.Evidence.Samples(),
            Error = error,
        };
        if (request.WritesState)
        {
            await _services.Store.Runs.SaveRunAsync(record, CancellationToken.None).ConfigureAwait(false);
            _services.Metrics.DeadLettersCounted(job.Id, await _services.Store.DeadLetters.CountAsync(job.Id, CancellationToken.None).ConfigureAwait(false));
        }

        _services.Metrics.RunEnded(job.Id, request.Kind, outcome);
        activity?.SetTag(SyncKitDiagnostics.Tags.Outcome, outcome.ToString());
        if (outcome is RunOutcome.Failed or RunOutcome.Stopped)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
        }

        Log.RunEnded(_services.Logger, runId, job.Id.Tenant, job.Id.Stream, outcome, counts.Read, counts.Written, counts.Skipped, counts.DeadLettered, run.Committed);
        return record;
    }
}
