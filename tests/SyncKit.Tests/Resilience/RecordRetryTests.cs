using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Resilience;

/// <summary>A record that fails transiently is retried alone; once its retries are spent it is dead-lettered, never lost.</summary>
public sealed class RecordRetryTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_RecordFailsTransientlyThenSucceeds_IsRetriedAloneAndWritten()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var batches = new List<string[]>();
        destination.BeforeWrite = (batch, _) =>
        {
            batches.Add([.. batch.Records.Select(r => r.Key)]);
            return ValueTask.CompletedTask;
        };
        destination.Fail = r => r.Key == "5" && batches.Count <= 2 ? RecordOutcome.Failed(ErrorClass.Transient, "lock timeout") : null;

        var run = await Engine.RunAsync(NewJob(source, destination, o => { o.Partitions = 1; o.MaxRetryAttempts = 3; }));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        batches.Should().HaveCount(3);
        batches.Skip(1).Should().AllBeEquivalentTo(new[] { "5" }, "only the failed record is sent again");
        destination.Rows.Should().HaveCount(10);
        destination.Deliveries.Should().HaveCount(10).And.OnlyContain(d => d.Value == 1, "a retry sends again only what failed");
        run.Counts.Retried.Should().Be(2);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 2 });
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(10), "10"));
    }

    [Fact]
    public async Task RunAsync_RecordFailsTransientlyBeyondMaxRetryAttempts_IsDeadLetteredAndTheRunCompletes()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var attempts = 0;
        destination.Fail = r => r.Key == "5" && Interlocked.Increment(ref attempts) > 0 ? RecordOutcome.Failed(ErrorClass.Transient, "lock timeout") : null;

        var run = await Engine.RunAsync(NewJob(source, destination, o => { o.Partitions = 1; o.MaxRetryAttempts = 3; }));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        attempts.Should().Be(4);
        destination.Rows.Keys.Should().HaveCount(9).And.NotContain("5");
        var dead = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        dead.Should().ContainSingle().Which.Should().Match<DeadLetter>(d =>
            d.RecordKey == "5" && d.ErrorClass == ErrorClass.Transient && d.Attempts == 4 && d.LastError == "lock timeout" && d.Status == DeadLetterStatus.Pending);
        run.Counts.Retried.Should().Be(3);
        run.Counts.DeadLettered.Should().Be(1);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 4 });
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(10), "10"), "a dead-lettered record is done");
    }

    [Fact]
    public async Task RunAsync_WholeBatchFailsTransientlyThenSucceeds_WritesEveryRecordOnce()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.FailNextBatch(new HttpRequestException("connection reset"));
        destination.FailNextBatch(new IOException("broken pipe"));

        var run = await Engine.RunAsync(NewJob(source, destination, o => { o.Partitions = 1; o.MaxRetryAttempts = 3; }));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        destination.Rows.Should().HaveCount(10);
        destination.Deliveries.Should().HaveCount(10).And.OnlyContain(d => d.Value == 1, "a batch that threw delivered nothing, so its retry delivers each record once");
        run.Counts.Retried.Should().Be(2);
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 2 });
    }
}
