using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Internal;
using SyncKit.Jobs.Internal;
using SyncKit.Leases.Internal;

namespace SyncKit.Hosting.Internal;

/// <summary>
/// Runs every registered job for every tenant on its cadence. Each job has one loop, so a job never
/// runs twice at once in a process; first runs are staggered; a stop waits for runs to commit what
/// finished (the engine's grace period), and a job stopped by an authentication failure is not
/// scheduled again until the host restarts.
/// </summary>
/// <remarks>
/// A job's runs keep to slots one cadence apart from its first due time (or to its calendar's occurrences), so a run
/// that started late or took long does not push the schedule back. The first due time comes from the job's last run
/// in the store, so a restart does not run a job that is not due. Slots that passed while a run went on collapse into one run at once (never one
/// per missed slot), and the job then takes the next slot still ahead. A run that throws before it is recorded is
/// tried again after <see cref="SyncSchedulerOptions.FailedStartRetryDelay"/>, doubling up to the cadence.
/// </remarks>
/// <remarks>
/// With an <see cref="IJobLeaseManager"/> registered, several host instances share the jobs: a job runs
/// only under its lease (renewed while it runs, released after), and its cadence is read from the shared
/// run history, so the jobs run once per cadence across all instances. A job whose last run never ended
/// (its host died) or was cancelled is due at once, so an orphan is taken over as soon as its lease expires.
/// </remarks>
internal sealed class SyncScheduler(
    SyncJobRunner runner,
    IOptions<SyncSchedulerOptions> options,
    TimeProvider timeProvider,
    ISyncStateStore store,
    ILogger<SyncScheduler> logger,
    IJobLeaseManager? leases = null) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return Task.CompletedTask;
        }

        var concurrency = new SemaphoreSlim(options.Value.MaxConcurrentRuns);
        var loops = runner.Jobs.Select(job => RunLoopAsync(job, concurrency, stoppingToken)).ToList();
        return WhenAllThenDispose(loops, concurrency);
    }

    /// <summary>The delay before a job's first run: a stable fraction of the stagger window.</summary>
    internal static TimeSpan FirstRunDelay(JobId job, TimeSpan cadence, TimeSpan stagger)
    {
        var window = cadence < stagger ? cadence : stagger;
        return TimeSpan.FromTicks((long)(window.Ticks * StableHash.Fraction(job.ToString())));
    }

    /// <summary>
    /// Where a job goes after a run that was due at <paramref name="due"/> for its slot <paramref name="slot"/>: the
    /// next slot ahead, or at once (to the same next slot afterwards) when the run for a slot outlasted the following one.
    /// </summary>
    internal static (DateTimeOffset Due, DateTimeOffset Slot) AfterRun(JobSchedule schedule, DateTimeOffset due, DateTimeOffset slot, DateTimeOffset now)
    {
        var ranForItsSlot = due == slot;
        var next = !ranForItsSlot && slot > now ? slot : schedule.NextAfter(slot, now);
        return (ranForItsSlot && schedule.Following(slot) <= now ? now : next, next);
    }

    /// <summary>The wait before trying a job again after its <paramref name="failures"/>-th start in a row threw.</summary>
    internal static TimeSpan RetryDelay(TimeSpan first, int failures, TimeSpan cadence)
    {
        var delay = first;
        for (var i = 1; i < failures && delay < cadence; i++)
        {
            delay += delay;
        }

        return delay < cadence ? delay : cadence;
    }

    private static async Task WhenAllThenDispose(List<Task> loops, SemaphoreSlim concurrency)
    {
        try
        {
            await Task.WhenAll(loops).ConfigureAwait(false);
        }
        finally
        {
            concurrency.Dispose();
        }
    }

    /// <summary>
    /// A job's first due time, from its last sync in the store: the slot after it, so a restart does not run a job that
    /// is not due; within the stagger when that slot has passed (or the last run never ended); and without history,
    /// within the stagger on an interval or at the calendar's next occurrence.
    /// </summary>
    private async Task<DateTimeOffset> FirstDueAsync(JobId job, JobSchedule schedule, TimeSpan stagger, CancellationToken stoppingToken)
    {
        var byHistory = await DueByHistoryAsync(job, RunKind.Sync, schedule, stoppingToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        return byHistory switch
        {
            null => schedule.IsCalendar ? schedule.Following(now) : now + stagger,
            { } next when next <= now => now + stagger,
            { } next => next,
        };
    }

    /// <summary>
    /// When the run history says the job is next due: the slot after its last run (of <paramref name="kind"/>, or of any
    /// kind), <see cref="DateTimeOffset.MinValue"/> when that run never ended (its host died) or was cancelled, so an
    /// orphan is taken over at once, or <see langword="null"/> when the job has no run yet.
    /// </summary>
    private async Task<DateTimeOffset?> DueByHistoryAsync(JobId job, RunKind? kind, JobSchedule schedule, CancellationToken stoppingToken)
    {
        var runs = await store.Runs.QueryRunsAsync(new RunQuery { Tenant = job.Tenant, Stream = job.Stream, Kind = kind, Limit = 1 }, stoppingToken).ConfigureAwait(false);
        return runs.Count == 0 ? null
            : runs[0].Outcome is RunOutcome.Running or RunOutcome.Cancelled ? DateTimeOffset.MinValue
            : schedule.Following(runs[0].StartedAt);
    }

    /// <summary>The job's schedule in words, for the log: <c>every 00:10:00</c>, or <c>at "0 2 * * *" in Europe/Berlin</c>.</summary>
    private static string Describe(SyncJobOptions options) =>
        options.Schedule is { } calendar ? $"at \"{calendar}\" in {options.ScheduleTimeZone}" : $"every {options.Cadence}";

    /// <summary>Runs the job if this instance gets its lease and it is due by the shared run history.</summary>
    /// <returns>The run (null when none ran) and when to look again.</returns>
    private async Task<(RunRecord? Run, DateTimeOffset NextDue, DateTimeOffset Slot)> RunUnderLeaseAsync(JobId job, DateTimeOffset due, DateTimeOffset slot, JobSchedule schedule, IJobLeaseManager leases, CancellationToken stoppingToken)
    {
        var lease = await HeldLease.TryAcquireAsync(leases, job, timeProvider, logger, stoppingToken).ConfigureAwait(false);
        if (lease is null)
        {
            // Another instance runs it; look again once its lease could have lapsed.
            return (null, timeProvider.GetUtcNow() + leases.RenewInterval, slot);
        }

        await using (lease.ConfigureAwait(false))
        {
            if (await DueByHistoryAsync(job, kind: null, schedule, stoppingToken).ConfigureAwait(false) is { } following && following > timeProvider.GetUtcNow())
            {
                return (null, following, following);
            }

            // Without the lease the run's commits would be refused by fencing anyway; a lost lease stops it cleanly.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            var run = await RunAndReconcileAsync(job, stop.Token).ConfigureAwait(false);
            var (next, nextSlot) = AfterRun(schedule, due, slot, timeProvider.GetUtcNow());
            return (run, next, nextSlot);
        }
    }

    /// <summary>
    /// Waits until <paramref name="due"/>. The clock can pass it while the timer is being made (a clock moved by a test,
    /// or one that jumped); the timer would then wait its whole span again, so the clock is read once more after.
    /// </summary>
    private async Task WaitUntilAsync(DateTimeOffset due, CancellationToken stoppingToken)
    {
        var wait = due - timeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var passed = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(wait, timeProvider, passed.Token);
        if (timeProvider.GetUtcNow() >= due)
        {
            await passed.CancelAsync().ConfigureAwait(false);
            return;
        }

        await delay.ConfigureAwait(false);
    }

    /// <summary>Runs the job, then the reconciliation passes that are due for it, so a pass never overlaps the job's own polling.</summary>
    private async Task<RunRecord> RunAndReconcileAsync(JobId job, CancellationToken cancellationToken)
    {
        var run = await runner.RunAsync(job, cancellationToken).ConfigureAwait(false);
        if (options.Value.Reconcile && run.Outcome == RunOutcome.Succeeded && !cancellationToken.IsCancellationRequested)
        {
            await runner.ReconcileDueAsync(job, cancellationToken).ConfigureAwait(false);
        }

        return run;
    }

    private async Task RunLoopAsync(JobId job, SemaphoreSlim concurrency, CancellationToken stoppingToken)
    {
        var jobOptions = runner.OptionsFor(job);
        var schedule = JobSchedule.For(jobOptions, timeProvider.GetUtcNow());
        var stagger = FirstRunDelay(job, schedule.Cadence, options.Value.StartupStagger);
        DateTimeOffset due;
        try
        {
            due = await FirstDueAsync(job, schedule, stagger, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Without its history the job runs within the stagger, as on a first start.
            Log.ScheduledRunThrew(logger, ex, job.Tenant, job.Stream, stagger);
            due = timeProvider.GetUtcNow() + stagger;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Log.FirstRunDue(logger, job.Tenant, job.Stream, Describe(jobOptions), due);
        var slot = due;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitUntilAsync(due, stoppingToken).ConfigureAwait(false);

                await concurrency.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    RunRecord? run;
                    if (leases is null)
                    {
                        run = await RunAndReconcileAsync(job, stoppingToken).ConfigureAwait(false);
                        (due, slot) = AfterRun(schedule, due, slot, timeProvider.GetUtcNow());
                    }
                    else
                    {
                        (run, due, slot) = await RunUnderLeaseAsync(job, due, slot, schedule, leases, stoppingToken).ConfigureAwait(false);
                    }

                    failures = 0;
                    if (run?.Outcome == RunOutcome.Stopped)
                    {
                        Log.ScheduleDisabled(logger, job.Tenant, job.Stream, run.Error);
                        return;
                    }

                    if (run is not null)
                    {
                        Log.NextRunDue(logger, job.Tenant, job.Stream, due);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A run reports its own failures in its record; this is the store or a factory throwing, or a
                    // lost lease stopping a run that still waited for its job. Log it and try again soon, backing off
                    // to the cadence, rather than spin, give up or skip a whole cadence.
                    failures++;
                    var retry = RetryDelay(options.Value.FailedStartRetryDelay, failures, schedule.Cadence);
                    Log.ScheduledRunThrew(logger, ex, job.Tenant, job.Stream, retry);
                    due = timeProvider.GetUtcNow() + retry;
                }
                finally
                {
                    concurrency.Release();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: the run in progress (if any) already committed what finished.
        }
    }
}
