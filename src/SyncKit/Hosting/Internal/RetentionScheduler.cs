using Microsoft.Extensions.Hosting;

namespace SyncKit.Hosting.Internal;

/// <summary>
/// Runs a <see cref="SyncRetention"/> pass one <see cref="RetentionOptions.FirstPassDelay"/> after start and then every
/// <see cref="RetentionOptions.Interval"/>. A failed pass is logged and recorded by the pass itself; the next one
/// continues where it stopped.
/// </summary>
internal sealed class RetentionScheduler(SyncRetention retention, TimeProvider timeProvider) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    /// <summary>The loop; runs up to its first wait on the caller's thread.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        var options = retention.Options;
        if (!options.Enabled)
        {
            return;
        }

        try
        {
            await Task.Delay(options.FirstPassDelay, timeProvider, stoppingToken).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    await retention.PurgeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Logged and recorded in LastPass by the pass; the history waits for the next one.
                }

                await Task.Delay(options.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; a pass stops between batches.
        }
    }
}
