namespace SyncKit.Tests.Hosting;

/// <summary>Leases shared by several in-process "instances", each seeing them through its own <see cref="Manager"/>.</summary>
public sealed class SharedLeases(TimeProvider time, TimeSpan duration)
{
    private readonly TimeProvider _time = time;
    private readonly TimeSpan _duration = duration;
    private readonly Dictionary<JobId, JobLease> _leases = [];
    private long _token;

    public IJobLeaseManager ManagerFor(string owner) => new Manager(this, owner);

    private sealed class Manager(SharedLeases shared, string owner) : IJobLeaseManager
    {
        public string Owner => owner;

        public TimeSpan LeaseDuration => shared._duration;

        public TimeSpan RenewInterval => shared._duration / 3;

        public ValueTask<IReadOnlyList<JobLease>> TryAcquireAsync(IReadOnlyList<JobId> candidates, int maxCount, CancellationToken cancellationToken)
        {
            lock (shared._leases)
            {
                var now = shared._time.GetUtcNow();
                var granted = new List<JobLease>();
                foreach (var job in candidates.Take(maxCount))
                {
                    if (shared._leases.TryGetValue(job, out var held) && held.ExpiresAt > now)
                    {
                        continue;
                    }

                    var lease = new JobLease(job, owner, ++shared._token, now + shared._duration);
                    shared._leases[job] = lease;
                    granted.Add(lease);
                }

                return ValueTask.FromResult<IReadOnlyList<JobLease>>(granted);
            }
        }

        public ValueTask<JobLease> RenewAsync(JobLease lease, CancellationToken cancellationToken)
        {
            lock (shared._leases)
            {
                if (!shared._leases.TryGetValue(lease.Job, out var held) || held.FencingToken != lease.FencingToken)
                {
                    throw new LeaseLostException(lease.Job, lease.FencingToken, "lost");
                }

                var renewed = lease with { ExpiresAt = shared._time.GetUtcNow() + shared._duration };
                shared._leases[lease.Job] = renewed;
                return ValueTask.FromResult(renewed);
            }
        }

        public ValueTask ReleaseAsync(JobLease lease, CancellationToken cancellationToken)
        {
            lock (shared._leases)
            {
                if (shared._leases.TryGetValue(lease.Job, out var held) && held.FencingToken == lease.FencingToken)
                {
                    shared._leases.Remove(lease.Job);
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
