using Microsoft.Extensions.Time.Testing;

namespace SyncKit.Samples.Vomo.Tests.Support;

public static class Clock
{
    /// <summary>
    /// Advances the fake clock in steps until <paramref name="task"/> completes: the server's timer may be
    /// created after the request is sent, so one jump could pass before it exists.
    /// </summary>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, Task task, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System));
            time.Advance(step);
        }

        task.IsCompleted.Should().BeTrue($"the task should complete within {maxSteps} steps of {step}");
    }
}
