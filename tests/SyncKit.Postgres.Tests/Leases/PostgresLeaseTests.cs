using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using SyncKit.Postgres.Host;
using SyncKit.Postgres.Tests.Infrastructure;

namespace SyncKit.Postgres.Tests.Leases;

public sealed class PostgresLeaseTests : PostgresTestBase
{
    private static readonly JobId Job = new("tenant-a", "invoices");
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task TryAcquireAsync_FreeJobs_GrantsEachOnceUpToMaxCount()
    {
        var jobs = Enumerable.Range(0, 5).Select(i => new JobId("t", $"s{i}")).ToList();
        var first = NewStore(o => o.LeaseOwner = "first").Leases;
        var second = NewStore(o => o.LeaseOwner = "second").Leases;

        var a = await first.TryAcquireAsync(jobs, 3, default);
        var b = await second.TryAcquireAsync(jobs, 10, default);
        var none = await first.TryAcquireAsync(jobs, 10, default);

        a.Should().HaveCount(3).And.OnlyContain(l => l.Owner == "first" && l.FencingToken == 1);
        b.Select(l => l.Job).Should().BeEquivalentTo(jobs.Except(a.Select(l => l.Job)));
        none.Should().BeEmpty();
        (await first.TryAcquireAsync([], 5, default)).Should().BeEmpty();
    }

    [Fact]
    public async Task RenewAsync_HeldLease_ExtendsTheExpiryByTheDatabaseClock()
    {
        var leases = NewStore(o => o.LeaseDuration = TimeSpan.FromMinutes(1)).Leases;
        var lease = (await leases.TryAcquireAsync([Job], 1, default)).Single();
        var databaseNow = await ScalarAsync<DateTime>("SELECT now()");

        var renewed = await leases.RenewAsync(lease, default);

        renewed.FencingToken.Should().Be(lease.FencingToken, "renewing is not a new grant");
        renewed.ExpiresAt.Should().BeOnOrAfter(lease.ExpiresAt);
        renewed.ExpiresAt.UtcDateTime.Should().BeCloseTo(databaseNow.AddMinutes(1), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task RenewAsync_AfterTakeover_ThrowsLeaseLostAndLaterTransactionsAreRefused()
    {
        var paused = NewStore(o => { o.LeaseOwner = "paused"; o.LeaseDuration = Short; o.LeaseRenewInterval = Short / 3; });
        var lease = (await paused.Leases.TryAcquireAsync([Job], 1, default)).Single();
        var taken = await AcquireWhenExpiredAsync(NewStore(o => o.LeaseOwner = "new").Leases);

        var renew = async () => await paused.Leases.RenewAsync(lease, default);

        (await renew.Should().ThrowAsync<LeaseLostException>()).Which.FencingToken.Should().Be(lease.FencingToken);
        taken.FencingToken.Should().Be(lease.FencingToken + 1);
        var begin = async () => await paused.BeginTransactionAsync(Job, default);
        await begin.Should().ThrowAsync<LeaseLostException>("the instance knows it lost the job");
    }

    [Fact]
    public async Task ReleaseAsync_LetsAnotherOwnerTakeTheJobAtOnceWithANewerToken()
    {
        var leaving = NewStore(o => o.LeaseOwner = "leaving");
        var lease = (await leaving.Leases.TryAcquireAsync([Job], 1, default)).Single();

        await leaving.Leases.ReleaseAsync(lease, default);
        var taken = await NewStore(o => o.LeaseOwner = "next").Leases.TryAcquireAsync([Job], 1, default);

        taken.Should().ContainSingle().Which.FencingToken.Should().Be(lease.FencingToken + 1);
        var begin = async () => await leaving.BeginTransactionAsync(Job, default);
        await begin.Should().ThrowAsync<LeaseLostException>();
    }

    [Fact]
    public async Task BeginTransactionAsync_RequireLeaseWithoutLease_IsRefused()
    {
        var store = NewStore(o => o.RequireLease = true);

        var begin = async () => await store.BeginTransactionAsync(Job, default);

        (await begin.Should().ThrowAsync<LeaseLostException>()).WithMessage("*RequireLease*");
        await store.Leases.TryAcquireAsync([Job], 1, default);
        await using var transaction = await store.BeginTransactionAsync(Job, default);
        await transaction.CommitAsync(default);
    }

    [Fact]
    public async Task CommitAsync_PausedOwnerWhoseLeaseWasTakenOver_IsRejectedAndWritesNothing()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var paused = NewStore(o => { o.LeaseOwner = "paused"; o.LeaseDuration = Short; o.LeaseRenewInterval = Short / 3; });
        var lease = (await paused.Leases.TryAcquireAsync([Job], 1, default)).Single();
        var stale = await paused.BeginTransactionAsync(Job, default);
        await InsertRowAsync(stale, 1);
        await stale.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default);
        await stale.DeadLetters.AddAsync([new DeadLetter(Job, "x", Cursor.FromSequence(1), "{}", ErrorClass.Validation, "bad", 1, T0, T0, T0, DeadLetterStatus.Pending)], default);

        // The owner stalls (a long GC pause, a frozen VM) past its lease; another instance takes over and commits.
        var newOwner = NewStore(o => o.LeaseOwner = "new");
        await AcquireWhenExpiredAsync(newOwner.Leases);
        await using (var fresh = await newOwner.BeginTransactionAsync(Job, default))
        {
            await InsertRowAsync(fresh, 2);
            await fresh.Checkpoints.SaveAsync(Job, Cursor.FromSequence(2), default);
            await fresh.CommitAsync(default);
        }

        var commit = async () => await stale.CommitAsync(default);

        var rejected = (await commit.Should().ThrowAsync<LeaseLostException>()).Which;
        rejected.FencingToken.Should().Be(lease.FencingToken);
        rejected.Message.Should().Contain("held by new with fencing token 2").And.Contain("token 1 of paused");
        await stale.DisposeAsync();
        (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(2));
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest WHERE number = 1")).Should().Be(0);
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
    }

    [Fact]
    public async Task CommitAsync_StaleOwnerWritingNoCheckpoint_IsRejectedAndWritesNothing()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var paused = NewStore(o => { o.LeaseOwner = "paused"; o.LeaseDuration = Short; o.LeaseRenewInterval = Short / 3; });
        var lease = (await paused.Leases.TryAcquireAsync([Job], 1, default)).Single();
        var stale = await paused.BeginTransactionAsync(Job, default);
        await InsertRowAsync(stale, 1);
        await stale.DeadLetters.AddAsync([new DeadLetter(Job, "x", Cursor.FromSequence(1), "{}", ErrorClass.Validation, "bad", 1, T0, T0, T0, DeadLetterStatus.Pending)], default);
        await AcquireWhenExpiredAsync(NewStore(o => o.LeaseOwner = "new").Leases);

        var commit = async () => await stale.CommitAsync(default);

        (await commit.Should().ThrowAsync<LeaseLostException>()).Which.FencingToken.Should().Be(lease.FencingToken);
        await stale.DisposeAsync();
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest")).Should().Be(0);
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
    }

    [Fact]
    public async Task CommitAsync_StaleOwnerDeletingTheCheckpoint_IsRejectedAndTheNewOwnersCheckpointStays()
    {
        var paused = NewStore(o => { o.LeaseOwner = "paused"; o.LeaseDuration = Short; o.LeaseRenewInterval = Short / 3; });
        await paused.Leases.TryAcquireAsync([Job], 1, default);
        var stale = await paused.BeginTransactionAsync(Job, default);
        await stale.Checkpoints.DeleteAsync(Job, default);
        var newOwner = NewStore(o => o.LeaseOwner = "new");
        await AcquireWhenExpiredAsync(newOwner.Leases);
        await using (var fresh = await newOwner.BeginTransactionAsync(Job, default))
        {
            await fresh.Checkpoints.SaveAsync(Job, Cursor.FromSequence(2), default);
            await fresh.CommitAsync(default);
        }

        var commit = async () => await stale.CommitAsync(default);

        await commit.Should().ThrowAsync<LeaseLostException>();
        await stale.DisposeAsync();
        (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(2));
        await using (var fresh = await newOwner.BeginTransactionAsync(Job, default))
        {
            await fresh.Checkpoints.DeleteAsync(Job, default);
            await fresh.CommitAsync(default);
        }

        (await Store.Checkpoints.GetAsync(Job, default)).Should().BeNull("the current owner may delete it");
    }

    [Fact]
    public async Task CommitAsync_200RandomizedTakeovers_AcceptsNoStaleTokenWrite()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var owners = Enumerable.Range(0, 3)
            .Select(i => NewStore(o => { o.LeaseOwner = $"owner-{i}"; o.LeaseDuration = TimeSpan.FromMilliseconds(2); o.LeaseRenewInterval = TimeSpan.FromMilliseconds(1); o.RequireLease = true; }))
            .ToArray();
        long written = 0;
        var staleAccepted = 0;
        var currentRejected = 0;
        var staleRejected = 0;
        for (var round = 0; round < 200; round++)
        {
            // Some instances open their transaction before the takeover (paused mid-batch), some after it.
            var before = await OpenAsync(owners.Where(_ => random.Next(2) == 0));
            var winner = owners[random.Next(owners.Length)];
            var lease = await AcquireWhenExpiredAsync(winner.Leases);
            var after = await OpenAsync(owners.Where(_ => random.Next(2) == 0));
            var attempts = before.Concat(after).OrderBy(_ => random.Next()).ToList();

            foreach (var (store, transaction) in attempts)
            {
                var value = ++written;
                var fresh = store == winner && after.Contains((store, transaction));
                try
                {
                    await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(value), default);
                    await transaction.CommitAsync(default);
                    if (!fresh)
                    {
                        staleAccepted++;
                    }

                    (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(value));
                }
                catch (LeaseLostException)
                {
                    currentRejected += fresh ? 1 : 0;
                    staleRejected += fresh ? 0 : 1;
                }
                finally
                {
                    await transaction.DisposeAsync();
                }
            }

            lease.Owner.Should().Be(winner.Leases.Owner);
        }

        staleAccepted.Should().Be(0, $"no commit under a superseded token may land (seed {seed})");
        currentRejected.Should().Be(0, $"the current owner's commits must land (seed {seed})");
        staleRejected.Should().BeGreaterThan(100, $"stale owners must actually reach the database's check (seed {seed})");
        (await ScalarAsync<long>("SELECT fencing_token FROM {schema}.leases")).Should().BeGreaterThanOrEqualTo(200);

        async Task<List<(PostgresSyncStateStore Store, IStateTransaction Transaction)>> OpenAsync(IEnumerable<PostgresSyncStateStore> stores)
        {
            var opened = new List<(PostgresSyncStateStore, IStateTransaction)>();
            foreach (var store in stores)
            {
                try
                {
                    opened.Add((store, await store.BeginTransactionAsync(Job, default)));
                }
                catch (LeaseLostException)
                {
                    // This instance already knows it lost the job: nothing to commit.
                }
            }

            return opened;
        }
    }

    [Fact]
    public async Task RunAsync_LeaseTakenOverWhileABatchIsInFlight_StopsWithoutCommittingAndLogsTheLostLease()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var paused = Track(new PostgresSyncStateStore(DataSource, new PostgresSyncStateStoreOptions { Schema = Schema, LeaseOwner = "paused", LeaseDuration = Short, LeaseRenewInterval = Short / 3 }, Time, loggerFactory));
        var lease = (await paused.Leases.TryAcquireAsync([Job], 1, default)).Single();
        var inFlight = new TaskCompletionSource();
        var resume = new TaskCompletionSource();
        var destination = new GatedDestination(new TableDestination(Schema, "paused", lease.FencingToken), inFlight, resume.Task);
        var engine = new SyncEngine(paused, Time, loggerFactory);
        var job = new SyncJob<NumberedRow>(Job, new NumberedSource(20, TimeSpan.Zero), destination, new JsonRecordSerializer<NumberedRow>())
        {
            Options = new SyncJobOptions { PageSize = 10, BatchSize = 10, Partitions = 1, RetryBaseDelay = TimeSpan.Zero },
        };

        var running = engine.RunAsync(job);
        await inFlight.Task;
        var newOwner = NewStore(o => o.LeaseOwner = "new");
        await AcquireWhenExpiredAsync(newOwner.Leases);
        await newOwner.Checkpoints.SaveAsync(Job, Cursor.FromSequence(99), default);
        resume.SetResult();
        var run = await running;

        run.Outcome.Should().Be(RunOutcome.Failed);
        run.Error.Should().Contain("held by new");
        destination.Batches.Should().Be(1, "a lost lease is not retried");
        (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(99));
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest")).Should().Be(0);
        logs.GetSnapshot().Should().Contain(l => l.Id.Name == "LeaseLost" && l.Category == "SyncKit");
    }

    /// <summary>Waits (by polling the database clock's verdict) until the job's lease has expired and is granted to <paramref name="leases"/>.</summary>
    private static async Task<JobLease> AcquireWhenExpiredAsync(IJobLeaseManager leases)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await leases.TryAcquireAsync([Job], 1, timeout.Token)) is [var lease])
            {
                return lease;
            }

            await Task.Yield();
        }
    }

    private async Task InsertRowAsync(IStateTransaction transaction, long number)
    {
        var npgsql = (NpgsqlTransaction)transaction.DbTransaction!;
        await using var command = new NpgsqlCommand($"INSERT INTO \"{Schema}\".dest (tenant, stream, number, write_count) VALUES ('t', 's', {number}, 1)", npgsql.Connection, npgsql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Signals when the first batch arrives and holds it until released: the owner "pauses" mid-batch.</summary>
    private sealed class GatedDestination(IDestination<NumberedRow> inner, TaskCompletionSource arrived, Task release) : IDestination<NumberedRow>
    {
        private int _batches;

        public int Batches => _batches;

        public bool WritesInStateTransaction => inner.WritesInStateTransaction;

        public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<NumberedRow> batch, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _batches);
            arrived.TrySetResult();
            await release;
            return await inner.WriteAsync(batch, cancellationToken);
        }
    }
}
