using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Engine;

/// <summary>
/// A record's dead letter is its latest failed version, and failing that same version again does not start its attempts
/// over: every version is applied (the latest wins), queued, or parked for an operator.
/// </summary>
public sealed class DeadLetterVersionTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_OlderVersionRunsOutOfRetriesAfterTheNewerWasDeadLettered_KeepsTheNewerVersionQueued()
    {
        // A change log: key 5 changed twice, both changes land in one batch.
        var source = new ListSource<TestRecord>([Record(5, 1, version: 1), Record(5, 2, version: 2)]);
        var destination = NewDestination();
        destination.Fail = r => r.Value.Version == 1
            ? RecordOutcome.Failed(ErrorClass.Transient, "timeout")
            : RecordOutcome.Failed(ErrorClass.Validation, "amount must be positive");

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.MaxRetryAttempts = 2));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        var entry = (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
        entry.Position.Should().Be(Cursor.At(T0.AddSeconds(2), "5"), "version 2 is in neither the destination nor anywhere else");
        entry.ErrorClass.Should().Be(ErrorClass.Validation);
        destination.Rows.Should().NotContainKey("5");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(2), "5"));
    }

    [Fact]
    public async Task RunAsync_ValidationFailureReReadInsideTheLookbackEveryRun_KeepsItsAttemptsAndParks()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key == "7" ? RecordOutcome.Failed(ErrorClass.Validation, "unknown currency") : null;
        var job = NewJob(source, destination, o => { o.Lookback = TimeSpan.FromMinutes(5); o.DeadLetters.MaxAttempts = 3; });
        await Engine.RunAsync(job);

        var entry = await SingleDeadLetterAsync();
        for (var runs = 0; runs < 10 && entry.Status == DeadLetterStatus.Pending; runs++)
        {
            // Each run re-drives the entry once due, then reads record 7 again inside its lookback.
            Time.Advance(entry.NextAttemptAt!.Value - Time.GetUtcNow());
            await Engine.RunAsync(job);
            entry = await SingleDeadLetterAsync();
        }

        entry.Status.Should().Be(DeadLetterStatus.Parked, "re-reading the same version does not start its attempts over");
        entry.Attempts.Should().Be(3);
        entry.FirstFailedAt.Should().Be(T0);
        entry.LastFailedAt.Should().Be(Time.GetUtcNow());
    }

    private async Task<DeadLetter> SingleDeadLetterAsync() =>
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
}
