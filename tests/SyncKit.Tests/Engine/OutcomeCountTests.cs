using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>
/// A destination answers one outcome per record, matched by index. One that answers more or fewer is broken: the
/// run fails naming it, and nothing is settled on its answer, neither the run's records nor re-driven dead letters.
/// </summary>
public sealed class OutcomeCountTests : EngineTestBase
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task RunAsync_DestinationMiscountsOutcomes_FailsNamingItWithoutMovingTheCheckpoint(int miscount)
    {
        var source = new ScriptedSource<TestRecord>([Record(1, 1), Record(2, 2)]);

        var run = await Engine.RunAsync(NewJob(source, new MiscountingDestination(miscount), o => o.MaxRetryAttempts = 0));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain($"returned {2 + miscount} outcomes for a batch of 2 records");
        (await CheckpointAsync()).Should().BeNull();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task RunAsync_DestinationMiscountsOutcomesOfARedrive_FailsNamingItAndLeavesTheDeadLettersAsTheyWere(int miscount)
    {
        var serializer = new JsonRecordSerializer<TestRecord>();
        IReadOnlyList<DeadLetter> queued =
        [
            .. new[] { Record(1, 1), Record(2, 2) }.Select(r =>
                new DeadLetter(Job, r.Key, r.Position, serializer.Serialize(r.Value), ErrorClass.Validation, "bad", 1, T0, T0, T0, DeadLetterStatus.Pending)),
        ];
        await Store.DeadLetters.AddAsync(queued, default);

        var run = await Engine.RunAsync(NewJob(new ScriptedSource<TestRecord>(), new MiscountingDestination(miscount)));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain($"returned {2 + miscount} outcomes for a batch of 2 records");
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().BeEquivalentTo(queued);
    }

    /// <summary>Writes nothing and answers <c>Written</c> <paramref name="miscount"/> times more (or fewer) than it was given records.</summary>
    private sealed class MiscountingDestination(int miscount) : IDestination<TestRecord>
    {
        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RecordOutcomes.All(RecordOutcome.Written, batch.Records.Count + miscount));
    }
}
