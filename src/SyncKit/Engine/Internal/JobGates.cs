using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SyncKit.Diagnostics.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>
/// One async gate per job, taken by everything that writes a job's state through one engine: regular runs (with
/// their dead-letter re-drives), backfills, repairs and operator actions. So an operator's retry never removes a dead
/// letter a run replaced meanwhile, and a checkpoint reset is never overwritten by the watermark of a run in flight.
/// </summary>
/// <remarks>
/// A reconciliation pass does not take it: the repair run a pass starts does, and holding it across the pass would
/// deadlock. Host instances sharing a store exclude each other with the job's lease instead.
/// </remarks>
internal sealed class JobGates(ILogger logger)
{
    private readonly ConcurrentDictionary<JobId, SemaphoreSlim> _gates = new();

    /// <summary>Waits until no other work of <paramref name="job"/> holds the gate, then holds it until disposed.</summary>
    /// <param name="job">The job.</param>
    /// <param name="kind">What waits, for the log.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held gate; dispose it to let the next waiter in.</returns>
    public async ValueTask<IDisposable> EnterAsync(JobId job, RunKind kind, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(job, static _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0))
        {
            Log.WaitingForJob(logger, kind, job.Tenant, job.Stream);
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return new Held(gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
