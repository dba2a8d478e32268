using System.Collections.Concurrent;
using System.Globalization;
using SyncKit.Health.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.State.Internal;

namespace SyncKit;

/// <summary>
/// Judges jobs' health from run history, checkpoints, the dead-letter queue, the engine's circuit breakers and the
/// latest reconciliation reports. Keep one instance per host: it remembers dead-letter queue sizes to tell growth.
/// </summary>
public sealed class SyncHealthMonitor
{
    // How many unrepaired keys a reason names; the report lists them all.
    private const int KeysNamed = 10;

    // Runs whose records count against the error budget: the ones that write through the destination.
    private static readonly RunKind[] WritingKinds = [RunKind.Sync, RunKind.Backfill, RunKind.Repair, RunKind.DeadLetterRetry, RunKind.ForceRepair];

    private readonly SyncEngine _engine;
    private readonly SyncHealthOptions _options;
    private readonly ConcurrentDictionary<JobId, DeadLetterTrend> _trends = new();

    /// <summary>Creates the monitor.</summary>
    /// <param name="engine">The engine whose store, clock and breakers it reads.</param>
    /// <param name="options">The thresholds; defaults to <see cref="SyncHealthOptions"/>' defaults.</param>
    public SyncHealthMonitor(SyncEngine engine, SyncHealthOptions? options = null)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _options = options ?? new SyncHealthOptions();
    }

    /// <summary>Takes a snapshot of one job's health.</summary>
    /// <param name="job">The job and its options.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The snapshot.</returns>
    public async Task<JobHealth> CheckAsync(MonitoredJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var health = await CheckAllAsync([job], cancellationToken).ConfigureAwait(false);
        return health[0];
    }

    /// <summary>
    /// Takes a snapshot of many jobs' health, judged exactly as <see cref="CheckAsync"/> judges each, with one
    /// set-based read of the store (<see cref="ISyncStateStore.ReadHealthInputsAsync"/>) for all of them.
    /// </summary>
    /// <param name="jobs">The jobs and their options.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One snapshot per job, in the order of <paramref name="jobs"/>.</returns>
    public async Task<IReadOnlyList<JobHealth>> CheckAllAsync(IReadOnlyList<MonitoredJob> jobs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var now = _engine.Services.TimeProvider.GetUtcNow();
        var ids = new JobId[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            ids[i] = (jobs[i] ?? throw new ArgumentException("The list holds a null job.", nameof(jobs))).Id;
        }

        var inputs = await _engine.Store.ReadHealthInputsAsync(ids, now - _options.ErrorBudgetWindow, cancellationToken).ConfigureAwait(false);
        var health = new JobHealth[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            health[i] = Check(jobs[i], inputs[i], now);
        }

        return health;
    }

    private JobHealth Check(MonitoredJob job, JobHealthInputs inputs, DateTimeOffset now)
    {
        var id = job.Id;
        var last = inputs.LatestSync;
        var lastSuccess = inputs.LatestSuccess;
        var paused = PausedReconciliation(inputs);
        var failedShare = FailedShare(inputs.WindowCounts);
        var gaps = NewestUnrepaired(inputs);
        var health = new JobHealth
        {
            Job = id,
            Status = JobHealthStatus.Healthy,
            Reasons = [],
            CheckedAt = now,
            Cadence = JobSchedule.For(job.Options, now).Cadence,
            Lag = now - Later(inputs.Checkpoint?.Timestamp, lastSuccess?.Horizon?.At ?? lastSuccess?.StartedAt),
            Horizon = lastSuccess?.Horizon,
            Checkpoint = inputs.Checkpoint,
            LastSuccessAt = lastSuccess?.EndedAt,
            LastOutcome = last?.Outcome,
            DeadLetters = inputs.DeadLetters,
            DeadLetterGrowth = _trends.GetOrAdd(id, _ => new DeadLetterTrend()).Observe(now, inputs.DeadLetters, _options.DeadLetterGrowthWindow),
            HasParkedDeadLetters = inputs.HasParkedDeadLetters,
            Breakers = _engine.GetBreakerStates(id, job.Options),
            FailedShare = failedShare,
            ErrorBudgetBurn = failedShare / _options.ErrorBudget,
            ReconciliationPaused = paused.Count > 0,
            UnrepairedGaps = gaps?.Report.Unrepaired ?? 0,
        };
        return Judge(health, [.. paused, .. UnrepairedGaps(gaps)], last);
    }

    private JobHealth Judge(JobHealth health, List<string> reconciliation, RunSummary? last)
    {
        var stalled = new List<string>();
        var degraded = new List<string>();
        var stallAfter = health.Cadence * _options.StalledAfterCadences;
        if (health.Lag > stallAfter)
        {
            stalled.Add(Format($"lag {health.Lag:g} is beyond {_options.StalledAfterCadences} × the cadence of {health.Cadence:g}"));
        }

        if (last?.Outcome == RunOutcome.Stopped)
        {
            stalled.Add($"the job is stopped until an operator acts: {last.Error}");
        }
        else if (last?.Outcome == RunOutcome.Failed)
        {
            degraded.Add($"the last run failed: {last.Error}");
        }

        AddBreaker(degraded, "source", health.Breakers.Source);
        AddBreaker(degraded, "destination", health.Breakers.Destination);
        if (health.ErrorBudgetBurn > _options.MaxBurnRate)
        {
            degraded.Add(Format($"{health.FailedShare:P2} of records failed over {_options.ErrorBudgetWindow:g}: the error budget of {_options.ErrorBudget:P2} burns {health.ErrorBudgetBurn:0.##}× too fast"));
        }

        if (health.DeadLetterGrowth > _options.MaxDeadLetterGrowth)
        {
            degraded.Add(Format($"the dead-letter queue grew by {health.DeadLetterGrowth} within {_options.DeadLetterGrowthWindow:g}"));
        }

        if (health.Horizon is { HeldBy: { } holder } horizon && health.CheckedAt - horizon.At > health.Cadence)
        {
            degraded.Add(Format($"the source's visibility horizon is held at {horizon.At:u} by {holder}: nothing committed after it is read until that ends"));
        }

        if (health.HasParkedDeadLetters)
        {
            degraded.Add("parked dead letters wait for an operator");
        }

        degraded.AddRange(reconciliation);
        var status = stalled.Count > 0 ? JobHealthStatus.Stalled : degraded.Count > 0 ? JobHealthStatus.Degraded : JobHealthStatus.Healthy;
        return health with { Status = status, Reasons = [.. stalled, .. degraded] };
    }

    private static List<string> PausedReconciliation(JobHealthInputs inputs)
    {
        var reasons = new List<string>();
        foreach (var run in (RunSummary?[])[inputs.LatestIncrementalReconciliation, inputs.LatestFullReconciliation])
        {
            if (run is not null && ReconciliationReport.FromReport(run.Kind, run.Report) is { CorrectionPaused: true } report)
            {
                reasons.Add(report.GapRate > report.GapThreshold
                    ? Format($"{run.Kind} found a gap rate of {report.GapRate:P2}, above {report.GapThreshold:P2}: correction is paused until polling is fixed (run {run.RunId})")
                    : Format($"gaps a paused pass found are still open: correction is paused until an operator reconciles with correction Always or force-repairs them (run {run.RunId})"));
            }
        }

        return reasons;
    }

    /// <summary>The newest pass of either kind, when it leaves gaps open.</summary>
    private static (RunSummary Run, ReconciliationReport Report)? NewestUnrepaired(JobHealthInputs inputs) =>
        PerJobHealthInputs.Newer(inputs.LatestIncrementalReconciliation, inputs.LatestFullReconciliation) is { } run
            && ReconciliationReport.FromReport(run.Kind, run.Report) is { Unrepaired: > 0 } report
            ? (run, report)
            : null;

    /// <summary>
    /// The gaps the newest pass of either kind leaves open: each pass carries every one it did not find closed, so a
    /// known gap keeps the job degraded, named, until a pass finds the destination holding the source's version.
    /// </summary>
    private static IEnumerable<string> UnrepairedGaps((RunSummary Run, ReconciliationReport Report)? gaps)
    {
        if (gaps is var (run, report))
        {
            var named = string.Join(", ", report.UnrepairedKeys.Take(KeysNamed));
            var more = report.Unrepaired > KeysNamed ? Format($" and {report.Unrepaired - KeysNamed} more") : string.Empty;
            yield return Format($"{report.Unrepaired} gap(s) are unrepaired, the destination missing the source's version or holding another: {named}{more} (run {run.RunId}); a pass that corrects, or a force repair once the source is right, closes them, and a later pass confirms it");
        }
    }

    private static double FailedShare(IReadOnlyDictionary<RunKind, RunCounts> countsByKind)
    {
        long processed = 0;
        long failed = 0;
        foreach (var kind in WritingKinds)
        {
            if (countsByKind.TryGetValue(kind, out var counts))
            {
                processed += counts.Written + counts.Skipped + counts.Deduplicated + counts.DeadLettered;
                failed += counts.DeadLettered;
            }
        }

        return processed == 0 ? 0 : failed / (double)processed;
    }

    private static void AddBreaker(List<string> reasons, string which, BreakerState state)
    {
        if (state != BreakerState.Closed)
        {
            reasons.Add($"the {which} circuit breaker is {state}: work on it is paused");
        }
    }

    private static DateTimeOffset? Later(DateTimeOffset? left, DateTimeOffset? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
