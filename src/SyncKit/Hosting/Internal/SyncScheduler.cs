using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.Diagnostics.Internal;
using SyncKit.Internal;
using SyncKit.Leases.Internal;

namespace SyncKit.Hosting.Internal;

/// <summary>
/// Runs every registered job for every tenant on its cadence. Each job has one loop, so a job never
/// runs twice at once in a process; first runs are staggered; a stop waits for runs to commit what
/// finished (the engine's grace period), and a job stopped by an authentication failure is not
/// scheduled again until the host restarts.
/// </summary>
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

    /// <summary>Runs the job if this instance gets its lease and it is due by the shared run history.</summary>
    /// <returns>The run (null when none ran) and when to look again.</returns>
    private async Task<(RunRecord? Run, DateTimeOffset NextDue)> RunUnderLeaseAsync(JobId job, TimeSpan cadence, IJobLeaseManager leases, CancellationToken stoppingToken)
    {
        var lease = await HeldLease.TryAcquireAsync(leases, job, timeProvider, logger, stoppingToken).ConfigureAwait(false);
        if (lease is null)
        {
            // Another instance runs it; look again once its lease could have lapsed.
            return (null, timeProvider.GetUtcNow() + leases.RenewInterval);
        }

        await using (lease.ConfigureAwait(false))
        {
            var last = (await store.Runs.QueryRunsAsync(new RunQuery { Tenant = job.Tenant, Stream = job.Stream, Limit = 1 }, stoppingToken).ConfigureAwait(false))
                .FirstOrDefault();
            var orphaned = last?.Outcome is RunOutcome.Running or RunOutcome.Cancelled;
            if (last is not null && !orphaned && last.StartedAt + cadence > timeProvider.GetUtcNow())
            {
                return (null, last.StartedAt + cadence);
            }

            // Without the lease the run's commits would be refused by fencing anyway; a lost lease stops it cleanly.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            var started = timeProvider.GetUtcNow();
            var run = await RunAndReconcileAsync(job, stop.Token).ConfigureAwait(false);
            return (run, started + cadence);
        }
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
        var cadence = runner.OptionsFor(job).Cadence;
        var due = timeProvider.GetUtcNow() + FirstRunDelay(job, cadence, options.Value.StartupStagger);
        Log.FirstRunDue(logger, job.Tenant, job.Stream, cadence, due);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = due - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, timeProvider, stoppingToken).ConfigureAwait(false);
                }

                await concurrency.WaitAsync(stoppingToken).ConfigureAwait(false);
                var started = timeProvider.GetUtcNow();
                try
                {
                    var (run, nextDue) = leases is null
                        ? (await RunAndReconcileAsync(job, stoppingToken).ConfigureAwait(false), started + cadence)
                        : await RunUnderLeaseAsync(job, cadence, leases, stoppingToken).ConfigureAwait(false);
                    due = nextDue;
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
                    // lost lease stopping a run that still waited for its job. Log it and try again at the next
                    // cadence rather than spin or give up.
                    Log.ScheduledRunThrew(logger, ex, job.Tenant, job.Stream);
                    due = started + cadence;
                    Log.NextRunDue(logger, job.Tenant, job.Stream, due);
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
