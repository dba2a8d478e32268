using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Tests.Engine.Support;

/// <summary>
/// A fake clock that tells a test when the code under test starts waiting: <see cref="WhenTimerCreated"/>
/// completes once a timer with the given due time exists, so the test advances time only after the wait
/// began (advancing earlier would silently move the wait's deadline).
/// </summary>
public sealed class TimerWatchingTimeProvider(FakeTimeProvider clock) : TimeProvider
{
    private readonly Lock _sync = new();
    private readonly List<Waiter> _waiters = [];

    /// <summary>The fake clock to advance.</summary>
    public FakeTimeProvider Clock => clock;

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    /// <summary>Completes when the next timer due after <paramref name="dueTime"/> is created. Call before the code starts waiting.</summary>
    public Task WhenTimerCreated(TimeSpan dueTime) => WhenTimersCreated(dueTime, 1);

    /// <summary>Completes once <paramref name="count"/> more timers due after <paramref name="dueTime"/> are created. Call before the code starts waiting.</summary>
    public Task WhenTimersCreated(TimeSpan dueTime, int count)
    {
        var waiter = new Waiter(dueTime, count);
        lock (_sync)
        {
            _waiters.Add(waiter);
        }

        return waiter.Created.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = clock.CreateTimer(callback, state, dueTime, period);
        lock (_sync)
        {
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime).ToList())
            {
                if (--waiter.Remaining == 0)
                {
                    _waiters.Remove(waiter);
                    waiter.Created.TrySetResult();
                }
            }
        }

        return timer;
    }

    private sealed class Waiter(TimeSpan dueTime, int count)
    {
        public TimeSpan DueTime { get; } = dueTime;

        public int Remaining { get; set; } = count;

        public TaskCompletionSource Created { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
