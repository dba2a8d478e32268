using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.Diagnostics.Internal;

namespace SyncKit.Hosting.Internal;

/// <summary>
/// Runs every registered job for every tenant on its cadence. Each job has one loop, so a job never
/// runs twice at once in a process; first runs are staggered; a stop waits for runs to commit what
/// finished (the engine's grace period), and a job stopped by an authentication failure is not
/// scheduled again until the host restarts.
/// </summary>
internal sealed class SyncScheduler(
    SyncJobRunner runner,
    IOptions<SyncSchedulerOptions> options,
    TimeProvider timeProvider,
    ILogger<SyncScheduler> logger) : BackgroundService
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
        return TimeSpan.FromTicks((long)(window.Ticks * (StableHash(job.ToString()) / (double)uint.MaxValue)));
    }

    // FNV-1a: stable across processes and runtimes, unlike string.GetHashCode.
    private static uint StableHash(string value)
    {
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
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

    private async Task RunLoopAsync(JobId job, SemaphoreSlim concurrency, CancellationToken stoppingToken)
    {
        var cadence = runner.OptionsFor(job.Stream).Cadence;
        var due = timeProvider.GetUtcNow() + FirstRunDelay(job, cadence, options.Value.StartupStagger);
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
                    var run = await runner.RunAsync(job, stoppingToken).ConfigureAwait(false);
                    if (run.Outcome == RunOutcome.Stopped)
                    {
                        Log.ScheduleDisabled(logger, job.Tenant, job.Stream, run.Error);
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A run reports its own failures in its record; this is the store or a factory
                    // throwing. Log it and try again at the next cadence rather than spin or give up.
                    Log.ScheduledRunThrew(logger, ex, job.Tenant, job.Stream);
                }
                finally
                {
                    concurrency.Release();
                }

                due = started + cadence;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutdown: the run in progress (if any) already committed what finished.
        }
    }
}
