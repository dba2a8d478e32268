using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Resilience;

/// <summary>
/// An <see cref="OperationCanceledException"/> that the run did not ask for (an HTTP client's own timeout
/// throws <see cref="TaskCanceledException"/>) is a transient failure like any other, not a stop request.
/// </summary>
public sealed class ConnectorCancellationTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_SourceTimesOutOnItsOwnOnce_RetriesAndReadsEverything()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        source.FailNextRead(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."));
        var destination = NewDestination();

        var run = await Engine.RunAsync(NewJob(source, destination)).OrHang();

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Read.Should().Be(10);
        run.Counts.Retried.Should().Be(1);
        destination.Rows.Should().HaveCount(10);
    }

    [Fact]
    public async Task RunAsync_DestinationTimesOutOnItsOwnOnce_RetriesTheBatch()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.FailNextBatch(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing."));

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.Partitions = 1)).OrHang();

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Retried.Should().Be(1);
        destination.Rows.Should().HaveCount(10);
    }

    [Fact]
    public async Task RunAsync_DestinationKeepsTimingOutOnItsOwn_FailsTheRunInsteadOfHangingOrSucceeding()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 100).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.BeforeWrite = (batch, _) => batch.Records.Any(r => r.Key == "3")
            ? throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")
            : ValueTask.CompletedTask;

        var run = await Engine.RunAsync(NewJob(source, destination, o =>
        {
            o.Partitions = 2;
            o.BatchSize = 2;
            o.PageSize = 5;
            o.QueueCapacity = 4;
            o.MaxRetryAttempts = 1;
            o.CircuitBreaker.MinimumThroughput = 1_000;
        })).OrHang();

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("HttpClient.Timeout");
        (await CheckpointAsync()).Should().Match<Cursor?>(c => c == null || c.CompareTo(Cursor.At(T0.AddSeconds(3), "3")) < 0);
    }
}
