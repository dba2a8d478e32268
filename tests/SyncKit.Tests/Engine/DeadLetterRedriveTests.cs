using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>
/// Dead letters are re-driven at the start of runs once due: resolved ones are removed, failing ones wait
/// twice as long each time, and after <see cref="DeadLetterSettings.MaxAttempts"/> they are parked for an operator.
/// </summary>
public sealed class DeadLetterRedriveTests : EngineTestBase
{
    // A minute apart: the failing record 7 lies more than the lookback before the checkpoint (record 20), so later
    // runs reach it through the re-drive alone; what they re-read (records 15 to 20) is skipped as unchanged.
    private readonly ScriptedSource<TestRecord> _source = new(Enumerable.Range(1, 20).Select(i => Record(i, i * 60)));
    private readonly CollectingDestination<TestRecord> _destination = NewDestination();
    private readonly List<string> _written = [];

    public DeadLetterRedriveTests()
    {
        _destination.BeforeWrite = (batch, _) =>
        {
            lock (_written)
            {
                _written.AddRange(batch.Records.Select(r => r.Key));
            }

            return ValueTask.CompletedTask;
        };
    }

    [Fact]
    public async Task RunAsync_DeadLetterDue_IsReappliedAndRemovedOnSuccess()
    {
        _destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "unknown currency") : null;
        await RunAsync();
        var entry = await SingleDeadLetterAsync();
        entry.NextAttemptAt.Should().Be(T0 + TimeSpan.FromMinutes(1));
        _destination.Fail = null;
        _written.Clear();

        Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(1));
        await RunAsync();
        _written.Should().NotContain("7", "the dead letter is not due yet");

        Time.Advance(TimeSpan.FromTicks(1));
        var run = await RunAsync();

        _written.Should().ContainSingle(k => k == "7");
        _destination.Rows.Should().ContainKey("7");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.Counts.Written.Should().Be(1);
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddMinutes(20), "20"), "a re-drive does not touch the checkpoint");
    }

    [Fact]
    public async Task RunAsync_DeadLetterKeepsFailing_WaitsTwiceAsLongEachTimeThenIsParked()
    {
        _destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "unknown currency") : null;
        await RunAsync();
        var entry = await SingleDeadLetterAsync();

        for (var attempts = 1; attempts < 10; attempts++)
        {
            entry.Attempts.Should().Be(attempts);
            entry.Status.Should().Be(DeadLetterStatus.Pending);
            entry.NextAttemptAt.Should().Be(Time.GetUtcNow() + TimeSpan.FromMinutes(Math.Pow(2, attempts - 1)), "the wait doubles after each failed attempt");

            Time.Advance(entry.NextAttemptAt!.Value - Time.GetUtcNow());
            _written.Clear();
            await RunAsync();
            _written.Should().ContainSingle(k => k == "7");
            entry = await SingleDeadLetterAsync();
        }

        entry.Attempts.Should().Be(10);
        entry.Status.Should().Be(DeadLetterStatus.Parked);
        entry.NextAttemptAt.Should().BeNull();
        entry.ErrorClass.Should().Be(ErrorClass.Validation);
        entry.LastError.Should().Be("unknown currency");

        Time.Advance(TimeSpan.FromDays(30));
        _written.Clear();
        await RunAsync();
        _written.Should().NotContain("7", "a parked dead letter waits for an operator");
    }

    [Fact]
    public async Task RunAsync_DeadLetterPayloadCannotBeRead_IsParkedAsValidation()
    {
        await Store.DeadLetters.AddAsync(
            [new DeadLetter(Job, "42", Cursor.At(T0, "42"), "{ this is not json", ErrorClass.Transient, "timeout", 1, T0, T0, T0, DeadLetterStatus.Pending)],
            default);

        var run = await RunAsync();

        var entry = await SingleDeadLetterAsync();
        entry.Status.Should().Be(DeadLetterStatus.Parked);
        entry.NextAttemptAt.Should().BeNull();
        entry.ErrorClass.Should().Be(ErrorClass.Validation);
        entry.LastError.Should().Contain("payload");
        _written.Should().NotContain("42");
        run.Outcome.Should().Be(RunOutcome.Succeeded, "the run itself still syncs everything else");
    }

    [Fact]
    public async Task RunAsync_DestinationDownDuringRedrive_KeepsTheDeadLetterWithoutSpendingAnAttempt()
    {
        _destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "unknown currency") : null;
        await RunAsync();
        _destination.Fail = null;
        Time.Advance(TimeSpan.FromMinutes(1));
        _destination.FailNextBatch(new HttpRequestException("connection refused"));

        await RunAsync();

        var entry = await SingleDeadLetterAsync();
        entry.Attempts.Should().Be(1);
        entry.NextAttemptAt.Should().Be(T0 + TimeSpan.FromMinutes(1), "it is still due and goes first next time");
    }

    private Task<RunRecord> RunAsync() => Engine.RunAsync(NewJob(_source, _destination));

    private async Task<DeadLetter> SingleDeadLetterAsync() =>
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
}
