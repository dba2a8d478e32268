using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>Window positions (cursors with progress) are resumed as stored, and the source learns the lookback to open windows with.</summary>
public sealed class WindowCursorTests : EngineTestBase
{
    [Fact]
    public void Rewind_CursorWithProgress_ReturnsItUnchanged()
    {
        var inWindow = new Cursor(T0, string.Empty, "0000000003.002.0000041");

        inWindow.Rewind(TimeSpan.FromMinutes(5)).Should().BeSameAs(inWindow);
        Cursor.At(T0, "7").Rewind(TimeSpan.FromMinutes(5)).Should().Be(Cursor.At(T0.AddMinutes(-5).AddSeconds(-1), "7"));
    }

    [Fact]
    public async Task RunAsync_CheckpointInsideAWindow_ResumesThereAndTellsTheSourceTheLookback()
    {
        var inWindow = new Cursor(T0, string.Empty, "0000000003.002.0000041");
        await Store.Checkpoints.SaveAsync(Job, inWindow, default);
        var source = new RecordingSource();

        var run = await Engine.RunAsync(NewJob(source, NewDestination(), o => o.Lookback = TimeSpan.FromMinutes(5)));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        source.Reads.Should().ContainSingle().Which.Should().Be((inWindow, TimeSpan.FromMinutes(5)));
        (await CheckpointAsync()).Should().Be(inWindow with { Progress = "0000000003.002.0000042" });
    }

    private sealed class RecordingSource : ISource<TestRecord>
    {
        public List<(Cursor? After, TimeSpan Lookback)> Reads { get; } = [];

        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
        {
            Reads.Add((after, context.Lookback));
            return ValueTask.FromResult(new SourcePage<TestRecord>([], false, after! with { Progress = "0000000003.002.0000042" }));
        }
    }
}
