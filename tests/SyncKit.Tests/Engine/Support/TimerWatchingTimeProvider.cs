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
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Created)> _waiters = [];

    /// <summary>The fake clock to advance.</summary>
    public FakeTimeProvider Clock => clock;

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    /// <summary>Completes when the next timer due after <paramref name="dueTime"/> is created. Call before the code starts waiting.</summary>
    public Task WhenTimerCreated(TimeSpan dueTime)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_sync)
        {
            _waiters.Add((dueTime, created));
        }

        return created.Task;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = clock.CreateTimer(callback, state, dueTime, period);
        lock (_sync)
        {
            foreach (var waiter in _waiters.Where(w => w.DueTime == dueTime).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Created.TrySetResult();
            }
        }

        return timer;
    }
}
