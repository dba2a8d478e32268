namespace SyncKit;

/// <summary>
/// Shares jobs between host instances: a job runs only on the instance holding its lease, and every
/// grant carries a fencing token, so a store can reject commits of an owner whose lease was taken over.
/// </summary>
/// <remarks>
/// A holder renews each lease every <see cref="RenewInterval"/> while the job runs and releases it when it
/// stops. A lease that is not renewed within <see cref="LeaseDuration"/> expires and may be granted to
/// another instance with a higher fencing token; the old owner then learns it lost the lease from
/// <see cref="RenewAsync"/> or from a commit that fails with <see cref="LeaseLostException"/>.
/// </remarks>
public interface IJobLeaseManager
{
    /// <summary>The owner this manager acquires leases for; unique per host instance.</summary>
    string Owner { get; }

    /// <summary>How long a lease lasts without being renewed.</summary>
    TimeSpan LeaseDuration { get; }

    /// <summary>How often a holder renews its leases (and a scheduler looks for free ones).</summary>
    TimeSpan RenewInterval { get; }

    /// <summary>Acquires jobs among <paramref name="candidates"/> that no instance holds or whose lease expired.</summary>
    /// <param name="candidates">The jobs this instance can run.</param>
    /// <param name="maxCount">The most leases to acquire.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The leases granted, each with a fencing token higher than any earlier grant of its job.</returns>
    ValueTask<IReadOnlyList<JobLease>> TryAcquireAsync(IReadOnlyList<JobId> candidates, int maxCount, CancellationToken cancellationToken);

    /// <summary>Extends a lease by <see cref="LeaseDuration"/>.</summary>
    /// <param name="lease">The lease held.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease with its new expiry.</returns>
    /// <exception cref="LeaseLostException">Another owner holds the job now, or the lease was released.</exception>
    ValueTask<JobLease> RenewAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>Gives a lease up so another instance can take the job at once; a lease already lost is ignored.</summary>
    /// <param name="lease">The lease held.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the lease is released.</returns>
    ValueTask ReleaseAsync(JobLease lease, CancellationToken cancellationToken);
}
