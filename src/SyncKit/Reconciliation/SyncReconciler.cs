using SyncKit.Diagnostics.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Reconciliation.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit;

/// <summary>
/// Reconciles jobs: finds what polling cannot (deletions, records lost by a crash or a buggy page, changes that
/// did not move the version) by comparing the source with the destination, and repairs it through the engine's
/// normal idempotent path without touching the checkpoint. Each pass is a run in run history whose
/// <see cref="RunRecord.Report"/> is a <see cref="ReconciliationReport"/>.
/// </summary>
/// <remarks>
/// <para>
/// An incremental pass needs a source implementing <see cref="IWindowedSource{T}"/>; a full pass one implementing
/// <see cref="IKeyListingSource"/> and <see cref="IKeyLookupSource{T}"/>. Both need a destination implementing
/// <see cref="IReconcilableDestination{T}"/>.
/// </para>
/// <para>
/// Passes are throttled: every call to the source waits while a regular run of the same source polls, and takes
/// a permit of <see cref="SyncJobOptions.SourceRateLimiter"/> and the source's circuit breaker. When the gap rate is
/// above <see cref="ReconciliationSettings.GapThreshold"/>, automatic correction pauses: the report says so and
/// health turns degraded until a pass finds the rate back under the threshold.
/// </para>
/// <para>
/// A repair counts only once the destination holds the source's version. A gap it does not take (a skip-older
/// destination keeps a version stamped later, as when a timestamp went backwards) is reported unrepaired, the pass
/// ends <see cref="RunOutcome.CompletedWithUnrepairedGaps"/>, and health stays degraded naming the key; every later
/// pass checks it again until it finds it closed, after an operator's force repair
/// (<see cref="RepairOperations.ForceRepairAsync{T}"/>) or a newer version at the source.
/// </para>
/// </remarks>
public sealed class SyncReconciler
{
    private const int KeysNamedInLogs = 10;
    private readonly SyncEngine _engine;
    private readonly DateTimeOffset _createdAt;

    /// <summary>Creates the reconciler.</summary>
    /// <param name="engine">The engine that repairs and whose store, clock, breakers and polling activity passes use.</param>
    public SyncReconciler(SyncEngine engine)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _createdAt = engine.Services.TimeProvider.GetUtcNow();
    }

    /// <summary>
    /// Re-reads the last <see cref="ReconciliationSettings.IncrementalWindow"/> before the checkpoint (minus the
    /// lookback; before now for a job without a timestamped checkpoint) and re-processes every record the
    /// destination lacks or holds at another version.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="correction">What to do about what the pass finds.</param>
    /// <param name="cancellationToken">Stops the pass; what it did so far is reported.</param>
    /// <returns>The pass's run record, also stored; failures are reported in it, not thrown.</returns>
    /// <exception cref="InvalidOperationException">The source or destination lacks a capability the pass needs.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    public Task<RunRecord> ReconcileIncrementalAsync<T>(SyncJob<T> job, CorrectionMode correction = CorrectionMode.Automatic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        var source = Require<IWindowedSource<T>>(job.Source, job.Id, "an incremental pass reads windows");
        return ReconcileAsync(job, DestinationOf(job), RunKind.IncrementalReconciliation, correction, pass => new IncrementalPass<T>(pass, source).RunAsync, cancellationToken);
    }

    /// <summary>
    /// Compares every key at the source with every key at the destination: re-processes missing records, deletes
    /// records the source confirms gone, reports records it still has that its listing lacks, and checks a sample
    /// (<see cref="ReconciliationSettings.DriftSampleRate"/>) for stale versions and drifted fields.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="correction">What to do about what the pass finds.</param>
    /// <param name="cancellationToken">Stops the pass; what it did so far is reported.</param>
    /// <returns>The pass's run record, also stored; failures are reported in it, not thrown.</returns>
    /// <exception cref="InvalidOperationException">The source or destination lacks a capability the pass needs.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    public Task<RunRecord> ReconcileFullAsync<T>(SyncJob<T> job, CorrectionMode correction = CorrectionMode.Automatic, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        var listing = Require<IKeyListingSource>(job.Source, job.Id, "a full pass lists the source's keys");
        var lookup = Require<IKeyLookupSource<T>>(job.Source, job.Id, "a full pass confirms deletions by key");
        return ReconcileAsync(job, DestinationOf(job), RunKind.FullReconciliation, correction, pass => new FullPass<T>(pass, listing, lookup).RunAsync, cancellationToken);
    }

    /// <summary>
    /// Runs the passes that are due for a job: a full pass once per <see cref="ReconciliationSettings.FullCadence"/>
    /// and an incremental pass once per <see cref="ReconciliationSettings.IncrementalCadence"/>, each at its tenant's
    /// slot in <paramref name="stagger"/>. Call it periodically (every minute, say) for every job; the hosted
    /// scheduler of <c>AddSyncKit</c> does, after each regular run. A pass whose capabilities the job's source or
    /// destination lacks is never due (see <see cref="CanReconcileIncrementally{T}"/> and <see cref="CanReconcileFully{T}"/>).
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <param name="stagger">The tenants' slots.</param>
    /// <param name="cancellationToken">Stops the passes.</param>
    /// <returns>The run records of the passes that ran (none when nothing was due).</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting of the job's options is invalid; the message names it.</exception>
    /// <remarks>
    /// A pass is due when its tenant's latest slot is later than the pass's last run. A job without any pass waits
    /// for its first slot after this reconciler was created, so a fresh deployment does not start every tenant at once.
    /// </remarks>
    public async Task<IReadOnlyList<RunRecord>> RunDueAsync<T>(SyncJob<T> job, StaggerPlan stagger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(stagger);
        SyncJobOptionsValidator.ThrowIfInvalid(job.Id, job.Options);
        var settings = job.Options.Reconciliation;
        var runs = new List<RunRecord>(2);
        if (CanReconcileFully(job) && await IsDueAsync(job.Id, RunKind.FullReconciliation, settings.FullCadence, stagger, cancellationToken).ConfigureAwait(false))
        {
            runs.Add(await ReconcileFullAsync(job, CorrectionMode.Automatic, cancellationToken).ConfigureAwait(false));
        }

        if (CanReconcileIncrementally(job) && await IsDueAsync(job.Id, RunKind.IncrementalReconciliation, settings.IncrementalCadence, stagger, cancellationToken).ConfigureAwait(false))
        {
            runs.Add(await ReconcileIncrementalAsync(job, CorrectionMode.Automatic, cancellationToken).ConfigureAwait(false));
        }

        return runs;
    }

    /// <summary>Whether the job's source reads windows and its destination says what it holds, as an incremental pass needs.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <returns><see langword="true"/> when <see cref="ReconcileIncrementalAsync{T}"/> can run.</returns>
    public static bool CanReconcileIncrementally<T>(SyncJob<T> job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Source is IWindowedSource<T> && job.Destination is IReconcilableDestination<T>;
    }

    /// <summary>Whether the job's source lists and looks up keys and its destination says what it holds, as a full pass needs.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="job">The job.</param>
    /// <returns><see langword="true"/> when <see cref="ReconcileFullAsync{T}"/> can run.</returns>
    public static bool CanReconcileFully<T>(SyncJob<T> job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Source is IKeyListingSource and IKeyLookupSource<T> && job.Destination is IReconcilableDestination<T>;
    }

    private async Task<bool> IsDueAsync(JobId job, RunKind kind, TimeSpan cadence, StaggerPlan stagger, CancellationToken cancellationToken)
    {
        var slot = stagger.LatestStart(job.Tenant, cadence, _engine.Services.TimeProvider.GetUtcNow());
        var last = await _engine.Store.Runs.QueryRunsAsync(RunQuery.ForJob(job) with { Kind = kind, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return slot > (last.Count > 0 ? last[0].StartedAt : _createdAt);
    }

    private async Task<RunRecord> ReconcileAsync<T>(
        SyncJob<T> job,
        IReconcilableDestination<T> destination,
        RunKind kind,
        CorrectionMode correction,
        Func<PassContext<T>, Func<CancellationToken, Task<PassResult>>> passFor,
        CancellationToken cancellationToken)
    {
        var services = _engine.Services;
        SyncResilience.CallsFor(job.Id);
        using var activity = SyncKitActivity.StartRun("synckit.reconcile", job.Id, kind, out var runId);
        var startedAt = services.TimeProvider.GetUtcNow();
        var started = services.TimeProvider.GetTimestamp();
        var carried = await OpenGaps.LoadAsync(services.Store.Runs, job.Id, CancellationToken.None).ConfigureAwait(false);

        // While the pass runs, its record is the newest health reads: it names the gaps still open from the start.
        var running = new ReconciliationReport
        {
            Kind = kind,
            StartedAt = startedAt,
            Correction = correction,
            CorrectionPaused = carried.HeldForOperator && carried.Keys.Count > 0,
            Unrepaired = carried.Keys.Count,
            UnrepairedKeys = [.. carried.Keys.Order(StringComparer.Ordinal)],
        };
        var record = new RunRecord(runId, job.Id, startedAt, null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null)
        {
            Kind = kind,
            Report = running.ToJson(),
        };
        await services.Store.Runs.SaveRunAsync(record, CancellationToken.None).ConfigureAwait(false);

        var pass = new PassContext<T>(_engine, job, destination, runId, correction, startedAt, carried);
        PassResult? result = null;
        var outcome = RunOutcome.Succeeded;
        string? error = null;
        var errors = new Dictionary<ErrorClass, long>();
        try
        {
            result = await passFor(pass)(cancellationToken).ConfigureAwait(false);
            outcome = result.Repair?.Outcome ?? RunOutcome.Succeeded;
            error = result.Repair?.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = RunOutcome.Cancelled;
        }
        catch (Exception ex)
        {
            var errorClass = services.Resilience.Classifier.ClassifyOrDefault(ex).Class;
            outcome = errorClass.StopsJob() ? RunOutcome.Stopped : RunOutcome.Failed;
            error = services.Resilience.Describe(ex, job.Options, job.Id);
            errors[errorClass] = 1;
            Log.ReconciliationFailed(services.Logger, ex, runId, kind, job.Id.Tenant, job.Id.Stream);
        }

        // Gaps carried in and not found closed stay open, whether or not the pass got to them.
        foreach (var key in carried.Keys)
        {
            pass.Tally.AddUnrepaired(key);
        }

        var report = pass.Tally.Report() with
        {
            CorrectionPaused = pass.Tally.CorrectionPaused || pass.StillHeldForOperator,
            Kind = kind,
            StartedAt = startedAt,
            Duration = services.TimeProvider.GetElapsedTime(started),
            WindowFrom = result?.WindowFrom,
            WindowTo = result?.WindowTo,
            GapThreshold = job.Options.Reconciliation.GapThreshold,
            Correction = correction,
            RepairRunId = result?.Repair?.RunId,
        };
        if (report.Unrepaired > 0 && outcome is RunOutcome.Succeeded or RunOutcome.CompletedWithDeadLetters)
        {
            outcome = RunOutcome.CompletedWithUnrepairedGaps;
            Log.GapsUnrepaired(services.Logger, runId, job.Id.Tenant, job.Id.Stream, report.Unrepaired, string.Join(", ", report.UnrepairedKeys.Take(KeysNamedInLogs)));
        }

        var repair = result?.Repair;
        record = record with
        {
            EndedAt = services.TimeProvider.GetUtcNow(),
            Outcome = outcome,
            Counts = new RunCounts(
                pass.Tally.Checked,
                repair?.Counts.Written ?? 0,
                repair?.Counts.Skipped ?? 0,
                repair?.Counts.Deduplicated ?? 0,
                repair?.Counts.Retried ?? 0,
                repair?.Counts.DeadLettered ?? 0),
            ErrorsByClass = repair?.ErrorsByClass ?? errors,
            SampleRecordKeys = [.. pass.Tally.SampleKeys.Take(5)],
            Error = error,
            Report = report.ToJson(),
        };
        await services.Store.Runs.SaveRunAsync(record, CancellationToken.None).ConfigureAwait(false);

        services.Metrics.RunEnded(job.Id, kind, outcome);
        Log.ReconciliationEnded(services.Logger, runId, kind, job.Id.Tenant, job.Id.Stream, report.Checked, report.Missing, report.Stale, report.Extra, report.Drifted, report.Repaired, report.Unrepaired, report.Deleted);
        return record;
    }

    private static IReconcilableDestination<T> DestinationOf<T>(SyncJob<T> job) =>
        Require<IReconcilableDestination<T>>(job.Destination, job.Id, "reconciliation compares with what the destination holds");

    private static TCapability Require<TCapability>(object part, JobId job, string why)
        where TCapability : class =>
        part as TCapability ?? throw new InvalidOperationException(
            $"{part.GetType().Name} of {job} cannot be reconciled: {why}, so it must implement {typeof(TCapability).Name.Split('`')[0]}.");
}
