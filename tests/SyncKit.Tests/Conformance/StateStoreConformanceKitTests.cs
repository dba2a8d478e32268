using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Conformance;

/// <summary>
/// The store kit without a test framework: a store that breaks a rule fails the case with a message that names the case
/// and the difference, each case runs on a store of its own, and a case never passes without checking.
/// </summary>
public sealed class StateStoreConformanceKitTests
{
    [Fact]
    public async Task RunCaseAsync_StoreLosesTheCursorsOffset_FailsNamingTheCaseAndTheDifference()
    {
        var kit = new Kit(time => new UtcCheckpointStore(new InMemorySyncStateStore(time)));

        var run = () => kit.RunCaseAsync("Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(negative-offset)");

        var failure = (await run.Should().ThrowAsync<ConformanceException>()).Which;
        failure.Message.Should().StartWith("State store conformance case 'Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(negative-offset)' failed: ")
            .And.Contain("the timestamp's offset of the cursor read back").And.Contain("expected -08:00:00, found 00:00:00");
        failure.InnerException.Should().BeOfType<ConformanceException>();
    }

    [Fact]
    public async Task RunCaseAsync_EveryCase_RunsOnAFreshStoreItDisposesAfterwards()
    {
        var kit = new Kit(time => new InMemorySyncStateStore(time));

        foreach (var name in StateStoreConformanceKit.CaseNames)
        {
            await kit.RunCaseAsync(name);
        }

        StateStoreConformanceKit.CaseNames.Should().HaveCount(86).And.OnlyHaveUniqueItems();
        kit.Created.Should().HaveCount(86).And.OnlyHaveUniqueItems();
        kit.Disposed.Should().Equal(kit.Created);
    }

    [Fact]
    public async Task RunCaseAsync_UnknownName_ThrowsNamingTheKitsCases()
    {
        var run = () => new Kit(time => new InMemorySyncStateStore(time)).RunCaseAsync("Checkpoints_NoSuchCase");

        (await run.Should().ThrowAsync<ArgumentException>()).Which.Message
            .Should().Contain("no case named 'Checkpoints_NoSuchCase'").And.Contain("Checkpoints_GetAsync_NeverSaved_ReturnsNull");
    }

    [Fact]
    public async Task RunCaseAsync_DatabaseDeclaredButNoDbTransaction_FailsSayingWhatToDo()
    {
        var kit = new Kit(time => new InMemorySyncStateStore(time)) { DeclaresDbTransaction = true };

        var run = () => kit.RunCaseAsync("Transaction_DbTransaction_WhenPresent_HasAnOpenConnection");

        (await run.Should().ThrowAsync<ConformanceException>()).Which.Message
            .Should().Contain("HasDbTransaction is true, but the store's transaction has no DbTransaction");
    }

    [Fact]
    public async Task RunCaseAsync_CaseFailsOnOneInstance_TheNextCaseRunsOnAFreshStore()
    {
        var kit = new Kit(time => new UtcCheckpointStore(new InMemorySyncStateStore(time)));
        var failing = () => kit.RunCaseAsync("Checkpoints_SaveAsync_CursorShape_RoundTripsExactly(positive-offset-with-ticks)");
        await failing.Should().ThrowAsync<ConformanceException>();

        await kit.RunCaseAsync("Checkpoints_GetAsync_NeverSaved_ReturnsNull");

        kit.Disposed.Should().Equal(kit.Created);
    }

    [Fact]
    public async Task RunCaseAsync_TwoCasesAtOnceOnOneInstance_RefusesTheSecond()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var kit = new Kit(time => new InMemorySyncStateStore(time)) { BeforeCreate = release.Task };
        var first = kit.RunCaseAsync("Checkpoints_GetAsync_NeverSaved_ReturnsNull");

        var second = () => kit.RunCaseAsync("Checkpoints_DeleteAsync_NeverSaved_DoesNothing");

        (await second.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("one case at a time");
        release.SetResult();
        await first;
    }

    [Fact]
    public async Task RunCaseAsync_Cancelled_ThrowsTheCancellationAsItIs()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();
        var kit = new Kit(time => new InMemorySyncStateStore(time));

        var run = () => kit.RunCaseAsync("Transaction_CommitAsync_Twice_Throws", cancellation.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        kit.Disposed.Should().Equal(kit.Created);
    }

    private sealed class Kit(Func<FakeTimeProvider, ISyncStateStore> create) : StateStoreConformanceKit
    {
        public List<ISyncStateStore> Created { get; } = [];

        public List<ISyncStateStore> Disposed { get; } = [];

        public bool DeclaresDbTransaction { get; init; }

        public Task BeforeCreate { get; init; } = Task.CompletedTask;

        protected override bool HasDbTransaction => DeclaresDbTransaction;

        protected override async ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider)
        {
            await BeforeCreate;
            var store = create(timeProvider);
            Created.Add(store);
            return store;
        }

        protected override ValueTask DisposeStoreAsync(ISyncStateStore store)
        {
            Disposed.Add(store);
            return base.DisposeStoreAsync(store);
        }
    }

    /// <summary>A store that keeps a checkpoint's instant but not its offset, as a column of UTC timestamps would.</summary>
    private sealed class UtcCheckpointStore(InMemorySyncStateStore inner) : ISyncStateStore, ICheckpointStore
    {
        public ICheckpointStore Checkpoints => this;

        public IDedupStore Dedup => inner.Dedup;

        public IDeadLetterStore DeadLetters => inner.DeadLetters;

        public IRunHistoryStore Runs => inner.Runs;

        public ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken) =>
            inner.BeginTransactionAsync(job, cancellationToken);

        public async ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) =>
            await inner.Checkpoints.GetAsync(job, cancellationToken) is { } cursor
                ? cursor with { Timestamp = cursor.Timestamp?.ToUniversalTime() }
                : null;

        public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken) =>
            inner.Checkpoints.SaveAsync(job, cursor, cancellationToken);

        public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
            inner.Checkpoints.DeleteAsync(job, cancellationToken);
    }
}
