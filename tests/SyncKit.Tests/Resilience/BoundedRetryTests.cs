using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Resilience;

/// <summary>Retries are bounded: once they are spent the run fails, and the checkpoint stays before the unfinished work.</summary>
public sealed class BoundedRetryTests : EngineTestBase
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task RunAsync_SourceFailsTransientlyForGood_FailsAfterMaxRetryAttemptsAndKeepsTheCheckpointAtTheLastPage(int maxRetryAttempts)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 20).Select(i => Record(i, i)));
        var failedReads = 0;
        source.BeforeRead = (after, _) =>
        {
            if (after is not null)
            {
                Interlocked.Increment(ref failedReads);
                throw new SyncException(ErrorClass.Transient, "503 Service Unavailable");
            }

            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(source, NewDestination(), o => Configure(o, maxRetryAttempts)));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("503 Service Unavailable");
        failedReads.Should().Be(maxRetryAttempts + 1);
        run.Counts.Retried.Should().Be(maxRetryAttempts);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = maxRetryAttempts + 1 });
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(10), "10"), "the first page was committed and nothing after it");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task RunAsync_DestinationFailsTransientlyForGood_FailsAfterMaxRetryAttemptsAndKeepsTheCheckpointBeforeTheBatch(int maxRetryAttempts)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 30).Select(i => Record(i, i)));
        var destination = NewDestination();
        var failedWrites = 0;
        destination.BeforeWrite = (batch, _) =>
        {
            if (batch.Records[0].Key == "11")
            {
                Interlocked.Increment(ref failedWrites);
                throw new TimeoutException("the CRM did not answer");
            }

            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(source, destination, o => Configure(o, maxRetryAttempts)));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("the CRM did not answer");
        failedWrites.Should().Be(maxRetryAttempts + 1);
        run.Counts.Retried.Should().Be(maxRetryAttempts);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = maxRetryAttempts + 1 });
        destination.Rows.Keys.Select(int.Parse).Order().Should().Equal(Enumerable.Range(1, 10), "no batch after the failed one is written");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0, "a failure of the whole destination is not the records' fault");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(10), "10"));
    }

    private static void Configure(SyncJobOptions options, int maxRetryAttempts)
    {
        options.MaxRetryAttempts = maxRetryAttempts;
        options.PageSize = 10;
        options.BatchSize = 10;
        options.Partitions = 1;
        options.CircuitBreaker.MinimumThroughput = 1_000;
    }
}
