using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Resilience;

/// <summary>
/// Breakers open after repeated transient failures and then stop calls: a broken source or destination
/// pauses work instead of burning the request budget. One breaker per source name (across jobs and
/// tenants) and one per tenant and destination name.
/// </summary>
public sealed class CircuitBreakerTests : EngineTestBase
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task RunAsync_SourceKeepsFailing_OpensTheBreakerAndMakesNoCallWhileItIsOpen()
    {
        var clock = new TimerWatchingTimeProvider(Time);
        var engine = new SyncEngine(Store, clock);
        var source = new ScriptedSource<TestRecord>([Record(1, 1)]);
        var calls = 0;
        source.BeforeRead = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new SyncException(ErrorClass.Transient, "502 Bad Gateway");
        };

        // Three failures open the breaker; the fourth attempt meets it open and waits out the break; the fifth
        // and last is the half-open trial call.
        var open = clock.WhenTimerCreated(BreakDuration);
        var run = engine.RunAsync(NewJob(source, NewDestination(), o => Configure(o, maxRetryAttempts: 4)));
        await open.OrHang();
        calls.Should().Be(3);

        Time.Advance(BreakDuration - TimeSpan.FromTicks(1));
        calls.Should().Be(3, "an open breaker lets no call through");
        Time.Advance(TimeSpan.FromTicks(1));
        var record = await run.OrHang();

        calls.Should().Be(4);
        record.Outcome.Should().Be(RunOutcome.Failed);
        record.Counts.Retried.Should().Be(4);
    }

    [Fact]
    public async Task RunAsync_BreakerOfASourceIsOpen_OtherJobsReadingThatSourceMakeNoCall()
    {
        var failing = FailingSource(out var failingCalls);
        await Engine.RunAsync(NewJob(failing, NewDestination(), o => Configure(o, maxRetryAttempts: 2, sourceName: "billing-api")));
        failingCalls().Should().Be(3);

        var sameSource = new ScriptedSource<TestRecord>([Record(1, 1)]);
        var otherTenant = new SyncJob<TestRecord>(new JobId("tenant-b", "invoices"), sameSource, NewDestination(), new JsonRecordSerializer<TestRecord>())
        {
            Options = NewOptions(o => Configure(o, maxRetryAttempts: 0, sourceName: "billing-api")),
        };
        var blocked = await Engine.RunAsync(otherTenant);

        blocked.Outcome.Should().Be(RunOutcome.Failed);
        blocked.Error.Should().Contain("circuit");
        sameSource.Reads.Should().Be(0, "the breaker is shared by every job reading the same source");

        var otherSource = new ScriptedSource<TestRecord>([Record(1, 1)]);
        var unaffected = await Engine.RunAsync(NewJob(otherSource, NewDestination(), o => Configure(o, maxRetryAttempts: 0, sourceName: "crm-api")));
        unaffected.Outcome.Should().Be(RunOutcome.Succeeded, "another source has its own breaker");
    }

    [Fact]
    public async Task RunAsync_BreakerOfATenantDestinationIsOpen_SameTenantMakesNoCallAndOtherTenantsDo()
    {
        var failing = NewDestination();
        var failingCalls = 0;
        failing.BeforeWrite = (_, _) =>
        {
            Interlocked.Increment(ref failingCalls);
            throw new HttpRequestException("connection refused");
        };
        await Engine.RunAsync(JobFor("tenant-a", "invoices", failing, maxRetryAttempts: 2));
        failingCalls.Should().Be(3);

        var sameTenant = CountingDestination(out var sameTenantCalls);
        var blocked = await Engine.RunAsync(JobFor("tenant-a", "payments", sameTenant, maxRetryAttempts: 0));
        blocked.Outcome.Should().Be(RunOutcome.Failed);
        sameTenantCalls().Should().Be(0, "one breaker guards each tenant's destination, whichever job writes");

        var otherTenant = CountingDestination(out var otherTenantCalls);
        var unaffected = await Engine.RunAsync(JobFor("tenant-b", "invoices", otherTenant, maxRetryAttempts: 0));
        unaffected.Outcome.Should().Be(RunOutcome.Succeeded);
        otherTenantCalls().Should().Be(1, "another tenant's destination has its own breaker");
    }

    [Fact]
    public async Task RunAsync_BreakerOpensWhileARecordIsRetried_DeadLettersItOnceTheAttemptsAreSpent()
    {
        var (run, destinationCalls) = await RunThroughABreakerThatOpensMidRetryAsync(PartialFailurePolicy.DeadLetterAndContinue);

        destinationCalls.Should().Be(4, "the breaker refused the fourth of five attempts");
        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        var dead = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        dead.Should().ContainSingle().Which.Should().Match<DeadLetter>(d =>
            d.RecordKey == "1" && d.ErrorClass == ErrorClass.Transient && d.LastError == "lock timeout" && d.Attempts == 5);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(1), "1"), "a dead-lettered record is done");
    }

    [Fact]
    public async Task RunAsync_BreakerOpensWhileARecordIsRetriedUnderStopAtFirstFailure_HaltsTheRunBeforeTheRecord()
    {
        var (run, _) = await RunThroughABreakerThatOpensMidRetryAsync(PartialFailurePolicy.StopAtFirstFailure);

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("lock timeout");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await CheckpointAsync()).Should().BeNull("the checkpoint stays before the record that failed for good");
    }

    /// <summary>
    /// Runs one record against a destination whose breaker opens while the record is retried: three thrown
    /// failures open it, the fourth attempt meets it open and waits out the break, and the fifth and last, the
    /// half-open trial, reaches the destination, which fails the record transiently once more. The retry
    /// counts five attempts; the destination saw four.
    /// </summary>
    private async Task<(RunRecord Run, int DestinationCalls)> RunThroughABreakerThatOpensMidRetryAsync(PartialFailurePolicy policy)
    {
        var clock = new TimerWatchingTimeProvider(Time);
        var engine = new SyncEngine(Store, clock);
        var destination = CountingDestination(out var calls);
        for (var i = 0; i < 3; i++)
        {
            destination.FailNextBatch(new HttpRequestException("connection refused"));
        }

        destination.Fail = _ => RecordOutcome.Failed(ErrorClass.Transient, "lock timeout");
        var job = NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), destination, o =>
        {
            Configure(o, maxRetryAttempts: 4);
            o.PartialFailure = policy;
        });

        var open = clock.WhenTimerCreated(BreakDuration);
        var run = engine.RunAsync(job);
        await open.OrHang();
        Time.Advance(BreakDuration);
        return (await run.OrHang(), calls());
    }

    private static SyncJob<TestRecord> JobFor(string tenant, string stream, CollectingDestination<TestRecord> destination, int maxRetryAttempts) =>
        new(new JobId(tenant, stream), new ScriptedSource<TestRecord>([Record(1, 1)]), destination, new JsonRecordSerializer<TestRecord>())
        {
            Options = NewOptions(o => Configure(o, maxRetryAttempts, destinationName: "crm")),
        };

    private static ScriptedSource<TestRecord> FailingSource(out Func<int> calls)
    {
        var source = new ScriptedSource<TestRecord>([Record(1, 1)]);
        var count = 0;
        source.BeforeRead = (_, _) =>
        {
            Interlocked.Increment(ref count);
            throw new SyncException(ErrorClass.Transient, "502 Bad Gateway");
        };
        calls = () => Volatile.Read(ref count);
        return source;
    }

    private static CollectingDestination<TestRecord> CountingDestination(out Func<int> calls)
    {
        var destination = NewDestination();
        var count = 0;
        destination.BeforeWrite = (_, _) =>
        {
            Interlocked.Increment(ref count);
            return ValueTask.CompletedTask;
        };
        calls = () => Volatile.Read(ref count);
        return destination;
    }

    private static void Configure(SyncJobOptions options, int maxRetryAttempts, string? sourceName = null, string? destinationName = null)
    {
        options.MaxRetryAttempts = maxRetryAttempts;
        options.SourceName = sourceName;
        options.DestinationName = destinationName;
        options.CircuitBreaker.MinimumThroughput = 3;
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.BreakDuration = BreakDuration;
    }
}
