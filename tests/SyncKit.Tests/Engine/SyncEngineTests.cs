using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

public sealed class SyncEngineTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_EmptyStore_WritesEveryRecordAndCommitsTheLastPosition()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 1_000).Select(i => Record(i, i)));
        var destination = NewDestination();

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.PageSize = 100));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Read.Should().Be(1_000);
        run.Counts.Written.Should().Be(1_000);
        destination.Rows.Should().HaveCount(1_000);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(1_000), "1000"));
        (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_2500RecordsSharingOneTimestamp_StoppedAfterEveryBatch_HoldsEveryRecordExactlyOnce(bool transactional)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 2_500).Select(i => Record(i, 0)));
        var destination = NewDestination(transactional);
        var runs = 0;
        while (true)
        {
            // Each run stops itself once its first batch is handed over, so every run commits one batch at most.
            using var stop = new CancellationTokenSource();
            destination.BeforeWrite = (_, _) =>
            {
                stop.Cancel();
                return ValueTask.CompletedTask;
            };
            // No lookback: the test is about resuming exactly at the checkpoint inside a tie. With one, every run
            // would start before the tie and re-deliver its first batch, by design, instead of moving on.
            var run = await Engine.RunAsync(NewJob(source, destination, o => { o.PageSize = 100; o.BatchSize = 100; o.Partitions = 1; o.Lookback = TimeSpan.Zero; }), stop.Token);
            runs++;
            if (run.Counts.Read == 0)
            {
                break;
            }

            runs.Should().BeLessThan(100, "each run must make progress");
        }

        destination.Rows.Keys.Select(int.Parse).Order().Should().Equal(Enumerable.Range(1, 2_500));
        destination.Deliveries.Where(d => d.Value != 1).Should().BeEmpty("no record was delivered twice");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0, "2500"));
    }

    [Fact]
    public async Task RunAsync_LateArrivalInsideLookback_IsPickedUp()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i * 60)));
        var destination = NewDestination();
        await Engine.RunAsync(NewJob(source, destination, o => o.Lookback = TimeSpan.FromMinutes(5)));

        // Committed at 10 minutes; a record stamped 7 minutes becomes visible only now.
        source.Add(Record(100, 7 * 60));
        await Engine.RunAsync(NewJob(source, destination, o => o.Lookback = TimeSpan.FromMinutes(5)));

        destination.Rows.Should().ContainKey("100");
        destination.Deliveries.Should().BeEquivalentTo(
            Enumerable.Range(1, 10).Append(100).ToDictionary(i => $"{i}", i => i is >= 5 and <= 10 ? 2 : 1),
            "the second run re-delivers what changed in the 5 minutes up to the checkpoint, and nothing older");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddMinutes(10), "10"), "re-reading the lookback never moves the checkpoint back");
    }

    [Fact]
    public async Task RunAsync_LateArrivalOutsideLookback_IsNotPickedUpByPolling()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i * 60)));
        var destination = NewDestination();
        await Engine.RunAsync(NewJob(source, destination, o => o.Lookback = TimeSpan.FromMinutes(2)));

        source.Add(Record(100, 7 * 60));
        await Engine.RunAsync(NewJob(source, destination, o => o.Lookback = TimeSpan.FromMinutes(2)));

        destination.Rows.Should().NotContainKey("100", "a change older than checkpoint − lookback is reconciliation's job");
    }

    [Fact]
    public async Task RunAsync_ValidationFailure_DeadLettersTheRecordWithoutRetryAndTheRestProceeds()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 20).Select(i => Record(i, i)));
        var destination = NewDestination();
        var attempts = 0;
        destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "email is not an address") : null;
        destination.BeforeWrite = (b, _) =>
        {
            attempts += b.Records.Count(r => r.Key == "7");
            return ValueTask.CompletedTask;
        };

        var run = await Engine.RunAsync(NewJob(source, destination));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        attempts.Should().Be(1);
        destination.Rows.Should().HaveCount(19);
        var dead = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        dead.Should().ContainSingle().Which.Should().Match<DeadLetter>(d =>
            d.RecordKey == "7" && d.ErrorClass == ErrorClass.Validation && d.LastError == "email is not an address"
            && d.Attempts == 1 && d.Payload.Contains("\"id\":\"7\"") && d.Status == DeadLetterStatus.Pending);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(20), "20"));
    }

    [Fact]
    public async Task RunAsync_StopAtFirstFailurePolicy_KeepsTheCheckpointBeforeTheFailedRecord()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 20).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Permanent, "rejected") : null;

        var run = await Engine.RunAsync(NewJob(source, destination, o => { o.PartialFailure = PartialFailurePolicy.StopAtFirstFailure; o.Partitions = 1; }));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("7");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(6), "6"));
    }

    [Fact]
    public async Task RunAsync_AuthenticationFailure_StopsTheJobWithAClearError()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        source.FailNextRead(new SyncException(ErrorClass.Authentication, "401 Unauthenticated."));

        var run = await Engine.RunAsync(NewJob(source, NewDestination()));

        run.Outcome.Should().Be(RunOutcome.Stopped);
        run.Error.Should().Contain("401 Unauthenticated.");
        run.ErrorsByClass.Should().ContainKey(ErrorClass.Authentication);
        source.Reads.Should().Be(1, "authentication failures are not retried");
        (await CheckpointAsync()).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_WholeBatchValidationFailure_IsolatesTheBadRecord()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.BeforeWrite = (b, _) => b.Records.Any(r => r.Key == "4")
            ? throw new SyncException(ErrorClass.Validation, "the batch contains an invalid row")
            : ValueTask.CompletedTask;

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.Partitions = 1));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        destination.Rows.Keys.Should().HaveCount(9).And.NotContain("4");
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle(d => d.RecordKey == "4");
    }
}
