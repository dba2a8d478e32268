using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Errors;

/// <summary>A damaged, full or read-only database under the destination stops the job: no retry, no split, no dead letter.</summary>
public sealed class StoreFailureTests : EngineTestBase
{
    [Theory]
    [InlineData(StoreFailureKind.Corrupt)]
    [InlineData(StoreFailureKind.Full)]
    [InlineData(StoreFailureKind.ReadOnly)]
    public async Task RunAsync_DestinationsDatabaseFails_StopsTheJobPermanentWithoutRetryingSplittingOrDeadLettering(StoreFailureKind kind)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var batches = 0;
        destination.BeforeWrite = (_, _) =>
        {
            batches++;
            throw new StoreFailureException(kind, $"the database is {kind}", new IOException("disk I/O"));
        };

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.Partitions = 1));

        run.Outcome.Should().Be(RunOutcome.Stopped);
        run.Error.Should().Contain($"the database is {kind}");
        run.ErrorsByClass.Should().ContainKey(ErrorClass.Permanent).And.HaveCount(1);
        batches.Should().Be(1, "a store failure is neither retried nor split record by record");
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().BeEmpty();
        (await CheckpointAsync()).Should().BeNull();
    }

    [Fact]
    public void Find_StoreFailureInsideOtherExceptions_IsFound()
    {
        var failure = new StoreFailureException(StoreFailureKind.Full, "full");

        StoreFailureException.Find(new InvalidOperationException("outer", new IOException("middle", failure))).Should().BeSameAs(failure);
        StoreFailureException.Find(new IOException("unrelated")).Should().BeNull();
    }
}
