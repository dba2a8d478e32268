using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>A store that fences commits rejects a run whose lease was taken over: the engine must stop, not retry.</summary>
public sealed class LeaseLostTests : EngineTestBase
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RunAsync_CommitRejectedForLostLease_StopsWithoutRetryingAndLogsTheLostLease(bool transactional)
    {
        var fenced = new FencedStore(Store);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var engine = new SyncEngine(fenced, Time, loggerFactory);
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 50).Select(i => Record(i, i)));
        var destination = NewDestination(transactional);
        var batches = 0;
        destination.BeforeWrite = (_, _) =>
        {
            Interlocked.Increment(ref batches);
            return ValueTask.CompletedTask;
        };

        var run = await engine.RunAsync(NewJob(source, destination, o => { o.BatchSize = 10; o.Partitions = 1; o.MaxRetryAttempts = 5; }));

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("lease");
        batches.Should().Be(1, "a lost lease is terminal: no retry, no further batch");
        fenced.RejectedCommits.Should().Be(1);
        (await CheckpointAsync()).Should().BeNull();
        logs.GetSnapshot().Should().ContainSingle(l => l.Id.Name == "LeaseLost" && l.Level == LogLevel.Warning)
            .Which.Message.Should().Contain("tenant-a/invoices").And.Contain("fencing token 1");
        logs.GetSnapshot().Should().NotContain(l => l.Level >= LogLevel.Error, "losing a lease is expected in a cluster, not an error");
    }

    /// <summary>Wraps the in-memory store; every transaction's commit fails as a fencing store's would after a takeover.</summary>
    private sealed class FencedStore(InMemorySyncStateStore inner) : ISyncStateStore
    {
        private int _rejected;

        public int RejectedCommits => _rejected;

        public ICheckpointStore Checkpoints => inner.Checkpoints;

        public IDedupStore Dedup => inner.Dedup;

        public IDeadLetterStore DeadLetters => inner.DeadLetters;

        public IRunHistoryStore Runs => inner.Runs;

        public async ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken) =>
            new RejectingTransaction(await inner.BeginTransactionAsync(job, cancellationToken), job, this);

        private sealed class RejectingTransaction(IStateTransaction inner, JobId job, FencedStore store) : IStateTransaction
        {
            public ICheckpointStore Checkpoints => inner.Checkpoints;

            public IDedupStore Dedup => inner.Dedup;

            public IDeadLetterStore DeadLetters => inner.DeadLetters;

            public IRunHistoryStore Runs => inner.Runs;

            public System.Data.Common.DbTransaction? DbTransaction => inner.DbTransaction;

            public ValueTask CommitAsync(CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref store._rejected);
                throw new LeaseLostException(job, 1, $"The lease of {job} was taken over (fencing token 2 > 1).");
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
