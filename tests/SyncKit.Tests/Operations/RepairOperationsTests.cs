using SyncKit.Testing;
using SyncKit.Tests.Reconciliation;

namespace SyncKit.Tests.Operations;

public sealed class RepairOperationsTests : ReconciliationTestBase
{
    private const string Key = "42";

    [Fact]
    public async Task ForceRepairAsync_RowWhoseTimestampWentBackwards_OverwritesItAndRecordsWhoWhyAndAnAuditEntry()
    {
        var (_, destination, job) = await TimestampWentBackwardsAsync(Key);
        var checkpoint = await CheckpointAsync();

        var forced = await new RepairOperations(Engine).ForceRepairAsync(job, [Key, "gone-at-source"], "alice", "billing stamped it before the version it replaced");

        forced.Should().BeEquivalentTo(new { Kind = RunKind.ForceRepair, Outcome = RunOutcome.Succeeded });
        forced.Counts.Should().BeEquivalentTo(new { Read = 1L, Written = 1L, Skipped = 0L });
        destination.Rows[Key].Payload.Should().Be("final");
        var stored = await Store.Runs.GetRunAsync(forced.RunId, default);
        OperatorAction.FromRun(stored!).Should().BeEquivalentTo(new OperatorAction("alice", "billing stamped it before the version it replaced", [Key, "gone-at-source"]));
        (await Store.Runs.GetAuditAsync(Job, Key, default)).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { forced.RunId, Action = AuditActions.Overwritten }, "a force repair is audited even without the job's audit log");
        (await CheckpointAsync()).Should().Be(checkpoint!);
    }

    [Fact]
    public async Task ForceRepairAsync_DestinationThatCannotOverwrite_ThrowsNamingTheCapabilityAndRecordsNothing()
    {
        var job = NewJob(new ScriptedSource<TestRecord>(PastRecords(3)), new SkipOlderOnlyDestination());

        var force = () => new RepairOperations(Engine).ForceRepairAsync(job, ["1"], "alice");

        await force.Should().ThrowAsync<InvalidOperationException>().WithMessage("*cannot write regardless of the version*IOverwritableDestination*");
        (await Store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().BeEmpty();
    }

    [Fact]
    public async Task ForceRepairAsync_SourceThatCannotLookUpByKey_ThrowsNamingTheCapability()
    {
        var job = NewJob(new PagesOnlySource(), NewDestination());

        var force = () => new RepairOperations(Engine).ForceRepairAsync(job, ["1"], "alice");

        await force.Should().ThrowAsync<InvalidOperationException>().WithMessage("*IKeyLookupSource*");
    }

    /// <summary>Skips a write older than its row and offers no way past it.</summary>
    private sealed class SkipOlderOnlyDestination : IDestination<TestRecord>
    {
        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<TestRecord> batch, CancellationToken cancellationToken) =>
            ValueTask.FromResult(RecordOutcomes.All(RecordOutcome.Skipped, batch.Records.Count));
    }

    private sealed class PagesOnlySource : ISource<TestRecord>
    {
        public ValueTask<SourcePage<TestRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(SourcePage<TestRecord>.Empty);
    }
}
