namespace SyncKit.Simulation.Scheduling;

/// <summary>
/// Where simulated code waits for the simulation's permission to go on, and the simulation's one source of randomness.
/// Every call the engine makes into the simulated world (a source page, a destination batch, a state-store call) parks
/// at a point; the driver releases one point at a time, so the order in which concurrent work proceeds is a choice of
/// the seed, not of the machine.
/// </summary>
/// <remarks>
/// The process runs with one thread-pool thread (see the project file), so between two releases exactly one chain of
/// continuations runs, and the driver only decides once nothing is left to run (<see cref="QuiesceAsync"/>). Nothing here
/// needs a lock.
/// </remarks>
internal sealed class Scheduler(int seed)
{
    private readonly List<Point> _pending = [];
    private readonly List<Point> _cancelled = [];
    private long _nextPoint;
    private int _inFlight;
    private readonly SemaphoreSlim _wire = new(1, 1);

    /// <summary>The seed's random numbers; every random choice of the simulation draws from it, in a fixed order.</summary>
    public Random Random { get; } = new(seed);

    /// <summary>The points waiting for release, oldest first.</summary>
    public IReadOnlyList<Point> Pending => _pending;

    /// <summary>Calls into real I/O (PostgreSQL) still on the wire; the driver waits for them before it decides.</summary>
    public int InFlight => _inFlight;

    /// <summary>How many of the calls in flight wait on a database lock held by a parked transaction; set by the world.</summary>
    public Func<ValueTask<int>>? CountBlockedCalls { get; set; }

    /// <summary>
    /// Parks the caller until the driver releases the point. A point that observes <paramref name="cancellationToken"/> ends
    /// cancelled when the token fires (a timeout or a stop reaching a slow call); store points do not, because the store
    /// already did what was asked and only the answer is held back.
    /// </summary>
    public Task At(Incarnation owner, PointKind kind, string what, CancellationToken cancellationToken = default)
    {
        if (!owner.Alive)
        {
            // A dead process never runs again: whatever it waits for never comes.
            return Incarnation.Never;
        }

        var point = new Point(++_nextPoint, owner, kind, what);
        _pending.Add(point);
        if (cancellationToken.CanBeCanceled)
        {
            point.Observe(cancellationToken, () =>
            {
                _pending.Remove(point);
                _cancelled.Add(point);
            });
        }

        return point.Task;
    }

    /// <summary>The points whose callers were cancelled (a timeout, a stop) since the last call; the trace records them.</summary>
    public List<Point> TakeCancelled()
    {
        var cancelled = _cancelled.ToList();
        _cancelled.Clear();
        return cancelled;
    }

    /// <summary>Releases a pending point: its caller goes on once the driver yields.</summary>
    public void Release(Point point)
    {
        _pending.Remove(point);
        point.Release();
    }

    /// <summary>Forgets the points of a process that crashed; their callers never go on.</summary>
    public void Forget(Incarnation dead) => _pending.RemoveAll(p => p.Owner == dead);

    /// <summary>
    /// Takes the wire for a call into real I/O and counts it until the returned scope is disposed. One call is on the wire
    /// at a time, in the order they asked: so the order in which their answers come back, and the code after them runs,
    /// is the order the seed's code asked in, not the server's timing.
    /// </summary>
    public async ValueTask<InFlightScope> EnterIoAsync()
    {
        await _wire.WaitAsync().ConfigureAwait(false);
        _inFlight++;
        return new InFlightScope(this);
    }

    /// <summary>
    /// Waits until nothing can run without a decision of the driver: no work item queued, no real I/O on the wire except
    /// calls blocked on a lock that only a parked transaction can release.
    /// </summary>
    /// <returns>How many calls were left on the wire, blocked on locks.</returns>
    public async Task<int> QuiesceAsync()
    {
        var waitingSince = 0L;
        while (true)
        {
            if (ThreadPool.PendingWorkItemCount > 0)
            {
                await Task.Yield();
                continue;
            }

            if (_inFlight == 0)
            {
                return 0;
            }

            if (CountBlockedCalls is { } blocked && await blocked().ConfigureAwait(false) >= _inFlight)
            {
                return _inFlight;
            }

            waitingSince = waitingSince == 0 ? Environment.TickCount64 : waitingSince;
            if (Environment.TickCount64 - waitingSince > 60_000)
            {
                throw new InvalidOperationException($"{_inFlight} database calls have been on the wire for a minute; the simulation is stuck.");
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>Ends a call counted by <see cref="EnterIoAsync"/> and hands the wire to the next.</summary>
    internal readonly struct InFlightScope(Scheduler? scheduler) : IDisposable
    {
        public void Dispose()
        {
            if (scheduler is not null)
            {
                scheduler._inFlight--;
                scheduler._wire.Release();
            }
        }
    }
}

/// <summary>What a point stands for: a call into the simulated source, destination or state store.</summary>
internal enum PointKind
{
    Source,
    Destination,
    Store,
}

/// <summary>A caller parked until the driver releases it.</summary>
internal sealed class Point(long id, Incarnation owner, PointKind kind, string what)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;

    public long Id { get; } = id;

    public Incarnation Owner { get; } = owner;

    public PointKind Kind { get; } = kind;

    public string What { get; } = what;

    public Task Task => _released.Task;

    public void Observe(CancellationToken cancellationToken, Action forget) =>
        _registration = cancellationToken.Register(() =>
        {
            if (Owner.Alive && _released.TrySetCanceled(cancellationToken))
            {
                forget();
            }
        });

    public void Release()
    {
        _registration.Dispose();
        _released.TrySetResult();
    }

    public override string ToString() => $"#{Id} {Kind} {What}";
}
