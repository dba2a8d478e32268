using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>
/// Lets simulated time flow while real HTTP runs: advances the fake clock by a step about every real millisecond.
/// It paces the simulation (timers, retry delays, replica lag, live changes); tests never wait on it to
/// synchronise with anything.
/// </summary>
public sealed class ClockPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ClockPump(FakeTimeProvider time, TimeSpan step)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                time.Advance(step);
                await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
