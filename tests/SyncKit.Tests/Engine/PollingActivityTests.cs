using SyncKit.Engine.Internal;

namespace SyncKit.Tests.Engine;

public sealed class PollingActivityTests
{
    [Fact]
    public async Task WhenIdleAsync_WhileRunsPollTheSource_CompletesOnlyWhenTheLastOneEnds()
    {
        var activity = new PollingActivity();
        var first = activity.Enter("source:crm");
        var second = activity.Enter("source:crm");

        var idle = activity.WhenIdleAsync("source:crm", default);
        first.Dispose();
        first.Dispose();

        idle.IsCompleted.Should().BeFalse("a second run still polls");
        activity.WhenIdleAsync("source:billing", default).IsCompleted.Should().BeTrue("other sources are not busy");
        second.Dispose();
        await idle;
        activity.WhenIdleAsync("source:crm", default).IsCompleted.Should().BeTrue();
    }

    [Fact]
    public async Task WhenIdleAsync_Cancelled_StopsWaiting()
    {
        var activity = new PollingActivity();
        using var run = activity.Enter("source:crm");
        using var stop = new CancellationTokenSource();

        var idle = activity.WhenIdleAsync("source:crm", stop.Token);
        await stop.CancelAsync();

        await idle.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
    }
}
