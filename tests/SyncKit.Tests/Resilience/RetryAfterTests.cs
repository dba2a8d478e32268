using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Resilience;

/// <summary>
/// A rate-limited call is not repeated before the wait the other side asked for, and is repeated as soon as
/// it is over. The clock is fake; each test advances it only once the engine is really waiting.
/// </summary>
public sealed class RetryAfterTests : EngineTestBase
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);
    private readonly TimerWatchingTimeProvider _clock;
    private readonly SyncEngine _engine;

    public RetryAfterTests()
    {
        _clock = new TimerWatchingTimeProvider(Time);
        _engine = new SyncEngine(Store, _clock);
    }

    [Fact]
    public async Task RunAsync_SourceRateLimitedWithRetryAfter_ReadsAgainExactlyWhenTheWaitIsOver()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        source.FailNextRead(new SyncException(ErrorClass.RateLimited, "429 Too Many Requests", RetryAfter));
        var calls = new List<DateTimeOffset>();
        var secondCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.BeforeRead = (_, _) =>
        {
            lock (calls)
            {
                calls.Add(Time.GetUtcNow());
                if (calls.Count == 2)
                {
                    secondCall.SetResult();
                }
            }

            return ValueTask.CompletedTask;
        };

        var run = await RunWaitingAsync(NewJob(source, NewDestination(), o => o.RetryBaseDelay = TimeSpan.FromSeconds(1)), secondCall.Task);

        calls.Should().Equal(T0, T0 + RetryAfter);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Retried.Should().Be(1);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.RateLimited] = 1 });
    }

    [Fact]
    public async Task RunAsync_DestinationRecordRateLimitedWithRetryAfter_RetriesTheRecordExactlyWhenTheWaitIsOver()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        var destination = NewDestination();
        var calls = WatchCalls(destination, out var secondCall);
        var failed = 0;
        destination.Fail = r => r.Key == "3" && Interlocked.Increment(ref failed) == 1
            ? RecordOutcome.Failed(ErrorClass.RateLimited, "429 Too Many Requests", RetryAfter)
            : null;

        var run = await RunWaitingAsync(NewJob(source, destination, o => { o.Partitions = 1; o.RetryBaseDelay = TimeSpan.FromSeconds(1); }), secondCall);

        calls.Select(c => c.At).Should().Equal(T0, T0 + RetryAfter);
        calls[1].Keys.Should().Equal(["3"], "only the failed record is retried");
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Should().HaveCount(5);
        run.Counts.Retried.Should().Be(1);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.RateLimited] = 1 });
    }

    [Fact]
    public async Task RunAsync_DestinationBatchRateLimitedWithRetryAfter_RetriesTheBatchExactlyWhenTheWaitIsOver()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        var destination = NewDestination();
        var calls = WatchCalls(destination, out var secondCall);
        destination.FailNextBatch(new SyncException(ErrorClass.RateLimited, "429 Too Many Requests", RetryAfter));

        var run = await RunWaitingAsync(NewJob(source, destination, o => { o.Partitions = 1; o.RetryBaseDelay = TimeSpan.FromSeconds(1); }), secondCall);

        calls.Select(c => c.At).Should().Equal(T0, T0 + RetryAfter);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Should().HaveCount(5);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.RateLimited] = 1 });
    }

    [Fact]
    public async Task RunAsync_RetryAfterLongerThanRetryMaxDelay_WaitsOnlyRetryMaxDelay()
    {
        var source = new ScriptedSource<TestRecord>([Record(1, 1)]);
        var destination = NewDestination();
        var calls = WatchCalls(destination, out var secondCall);
        destination.FailNextBatch(new SyncException(ErrorClass.RateLimited, "come back tomorrow", TimeSpan.FromDays(1)));

        var run = await RunWaitingAsync(NewJob(source, destination, o => o.RetryMaxDelay = RetryAfter), secondCall);

        calls.Select(c => c.At).Should().Equal(T0, T0 + RetryAfter);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
    }

    /// <summary>
    /// Runs the job; once the engine waits <see cref="RetryAfter"/>, advances the clock to one tick short of it and
    /// checks nothing was called, then advances the last tick and waits for the repeated call.
    /// </summary>
    private async Task<RunRecord> RunWaitingAsync(SyncJob<TestRecord> job, Task repeated)
    {
        var waiting = _clock.WhenTimerCreated(RetryAfter);
        var run = _engine.RunAsync(job);
        await waiting.OrHang();

        Time.Advance(RetryAfter - TimeSpan.FromTicks(1));
        repeated.IsCompleted.Should().BeFalse("the call must not be repeated before Retry-After has passed");

        Time.Advance(TimeSpan.FromTicks(1));
        await repeated.OrHang();
        return await run.OrHang();
    }

    private List<(DateTimeOffset At, string[] Keys)> WatchCalls(CollectingDestination<TestRecord> destination, out Task secondCall)
    {
        var calls = new List<(DateTimeOffset At, string[] Keys)>();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        destination.BeforeWrite = (batch, _) =>
        {
            lock (calls)
            {
                calls.Add((Time.GetUtcNow(), batch.Records.Select(r => r.Key).ToArray()));
                if (calls.Count == 2)
                {
                    second.SetResult();
                }
            }

            return ValueTask.CompletedTask;
        };
        secondCall = second.Task;
        return calls;
    }
}
