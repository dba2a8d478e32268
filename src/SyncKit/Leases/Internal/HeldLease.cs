using Microsoft.Extensions.Logging;
using SyncKit.Diagnostics.Internal;

namespace SyncKit.Leases.Internal;

/// <summary>
/// A job's lease this instance holds: renewed every <see cref="IJobLeaseManager.RenewInterval"/> until disposed, then
/// released so another instance can take the job at once. A failed renewal cancels <see cref="Lost"/>, so the work done
/// under the lease stops cleanly; its commits would be refused by fencing anyway.
/// </summary>
internal sealed class HeldLease : IAsyncDisposable
{
    private readonly IJobLeaseManager _leases;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Task<JobLease> _renewal;

    private HeldLease(IJobLeaseManager leases, JobLease lease, TimeProvider time, ILogger logger)
    {
        _leases = leases;
        _renewal = RenewAsync(lease, time, logger);
    }

    /// <summary>Cancelled once renewing the lease failed: another instance may hold the job now.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Acquires the job's lease if no instance holds it (this one included).</summary>
    /// <returns>The held lease, or <see langword="null"/> when it is held.</returns>
    public static async Task<HeldLease?> TryAcquireAsync(IJobLeaseManager leases, JobId job, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var granted = await leases.TryAcquireAsync([job], 1, cancellationToken).ConfigureAwait(false);
        return granted.Count == 0 ? null : new HeldLease(leases, granted[0], time, logger);
    }

    /// <summary>Stops renewing and releases the lease.</summary>
    /// <returns>A task that completes when the lease is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await _stopRenewing.CancelAsync().ConfigureAwait(false);
        var lease = await _renewal.ConfigureAwait(false);
        try
        {
            await _leases.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _stopRenewing.Dispose();
            _lost.Dispose();
        }
    }

    private async Task<JobLease> RenewAsync(JobLease lease, TimeProvider time, ILogger logger)
    {
        var stop = _stopRenewing.Token;
        try
        {
            while (true)
            {
                await Task.Delay(_leases.RenewInterval, time, stop).ConfigureAwait(false);
                lease = await _leases.RenewAsync(lease, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return lease;
        }
        catch (Exception ex)
        {
            Log.LeaseRenewalFailed(logger, ex, lease.Job.Tenant, lease.Job.Stream);
            await _lost.CancelAsync().ConfigureAwait(false);
            return lease;
        }
    }
}
