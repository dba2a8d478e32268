using SyncKit.AspNetCore.Internal;

namespace SyncKit.AspNetCore.Tests.Internal;

public sealed class LagHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_FailedRunsAfterASuccess_LagGrowsFromTheLastSuccessfulStart()
    {
        RunRecord[] runs =
        [
            Run("c", start: 20, RunOutcome.Failed, checkpointAt: -3),
            Run("a", start: 0, RunOutcome.Succeeded, checkpointAt: -3),
            Run("b", start: 10, RunOutcome.Failed, checkpointAt: -3),
        ];

        var points = LagHistory.From(runs);

        points.Select(p => p.RunId).Should().Equal("a", "b", "c");
        points.Select(p => p.LagSeconds).Should().Equal(60, 660, 1260);
    }

    [Fact]
    public void From_CheckpointNewerThanTheLastSuccessfulStart_MeasuresFromTheCheckpoint()
    {
        var points = LagHistory.From([Run("a", start: 0, RunOutcome.Succeeded, checkpointAt: 0.5)]);

        points.Single().LagSeconds.Should().Be(30);
    }

    [Fact]
    public void From_RunStillRunningOrNeverSucceededWithoutCheckpoint_IsLeftOut()
    {
        var running = Run("a", start: 0, RunOutcome.Running, checkpointAt: null) with { EndedAt = null };
        var failed = Run("b", start: 10, RunOutcome.Failed, checkpointAt: null);

        LagHistory.From([running, failed]).Should().BeEmpty();
    }

    // Runs last one minute; times are in minutes after T0.
    private static RunRecord Run(string id, double start, RunOutcome outcome, double? checkpointAt) =>
        new(id, new JobId("t", "s"), T0.AddMinutes(start), T0.AddMinutes(start + 1), outcome, null,
            checkpointAt is { } at ? Cursor.At(T0.AddMinutes(at), "1") : null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);
}
