using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

public sealed class SourceHorizonTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_SourceReportsAHorizonPerPage_RecordsTheLastPagesHorizonInTheRun()
    {
        var scripted = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i))) { PageSize = 2 };
        var source = new HorizonSource(scripted) { Horizon = new SourceHorizon(T0.AddMinutes(1), "a transaction open since 00:01:00Z") };
        var pages = 0;
        scripted.BeforeRead = (_, _) =>
        {
            // The horizon moves on while the run reads: the run keeps the one its last page saw.
            if (++pages == 3)
            {
                source.Horizon = new SourceHorizon(T0.AddMinutes(2));
            }

            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(source, NewDestination()));
        var stored = await Store.Runs.GetRunAsync(run.RunId, default);

        run.Horizon.Should().Be(new SourceHorizon(T0.AddMinutes(2)));
        stored!.Horizon.Should().Be(run.Horizon);
    }

    [Fact]
    public async Task RunAsync_SourceReportsNoHorizon_RecordsNone()
    {
        var run = await Engine.RunAsync(NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination()));

        run.Horizon.Should().BeNull();
    }
}
