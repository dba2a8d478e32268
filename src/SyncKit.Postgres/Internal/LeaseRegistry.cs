using System.Collections.Concurrent;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// The leases this instance was granted, by job: where a state transaction finds the fencing token it
/// commits under. A job whose lease was lost or released stays here, so a late commit for it is refused
/// instead of slipping through unfenced.
/// </summary>
internal sealed class LeaseRegistry(bool requireLease)
{
    private readonly ConcurrentDictionary<JobId, Fence> _fences = new();

    public void Granted(JobLease lease) =>
        _fences[lease.Job] = new Fence(lease.Owner, lease.FencingToken, Held: true);

    /// <summary>Marks a lease as no longer held, unless a newer grant replaced it meanwhile.</summary>
    public void Ended(JobId job, long fencingToken)
    {
        while (_fences.TryGetValue(job, out var fence) && fence.Token == fencingToken && fence.Held)
        {
            if (_fences.TryUpdate(job, fence with { Held = false }, fence))
            {
                return;
            }
        }
    }

    /// <summary>The fence a transaction of <paramref name="job"/> commits under; <see langword="null"/> when this instance never leased it and leases are optional.</summary>
    /// <exception cref="LeaseLostException">This instance held the job's lease and no longer does, or never held it and leases are required.</exception>
    public Fence? For(JobId job)
    {
        if (!_fences.TryGetValue(job, out var fence))
        {
            return requireLease
                ? throw new LeaseLostException(job, 0, $"This instance does not hold the lease of {job}, and PostgresSyncStateStoreOptions.RequireLease is on; acquire it before running the job.")
                : null;
        }

        return fence.Held
            ? fence
            : throw new LeaseLostException(job, fence.Token, $"The lease of {job} (fencing token {fence.Token}) is no longer held by {fence.Owner}; nothing more is committed for it here.");
    }

    /// <summary>The leases currently held.</summary>
    public IEnumerable<JobLease> Held() =>
        _fences.Where(p => p.Value.Held).Select(p => new JobLease(p.Key, p.Value.Owner, p.Value.Token, DateTimeOffset.MinValue));

    internal sealed record Fence(string Owner, long Token, bool Held);
}
