using Npgsql;
using SyncKit.Postgres.Host;
using SyncKit.Postgres.Tests.Infrastructure;
using SyncKit.Testing;

namespace SyncKit.Postgres.Tests;

public sealed class PostgresSyncStateStoreTests : PostgresTestBase
{
    private static readonly JobId Job = new("tenant-a", "invoices");

    [Theory]
    [InlineData("2026-03-04T05:06:07.1234567+02:00", "00042", null)]
    [InlineData("2026-03-04T05:06:07.0000001+00:00", "a\"b\\c", "offset=17")]
    [InlineData(null, "9007199254740993", null)]
    public async Task Checkpoints_SaveThenGet_RoundTripsTheCursorExactly(string? timestamp, string id, string? progress)
    {
        var cursor = new Cursor(timestamp is null ? null : DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), id, progress);

        await Store.Checkpoints.SaveAsync(Job, cursor, default);
        var read = await NewStore().Checkpoints.GetAsync(Job, default);

        read.Should().Be(cursor);
        read!.Timestamp?.Ticks.Should().Be(cursor.Timestamp!.Value.Ticks, "every tick survives, which timestamptz would round away");
        read.Timestamp?.Offset.Should().Be(cursor.Timestamp!.Value.Offset);
    }

    [Fact]
    public async Task Checkpoints_Delete_RemovesOnlyThatJob()
    {
        var other = new JobId("tenant-b", "invoices");
        await Store.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default);
        await Store.Checkpoints.SaveAsync(other, Cursor.FromSequence(2), default);

        await Store.Checkpoints.DeleteAsync(Job, default);

        (await Store.Checkpoints.GetAsync(Job, default)).Should().BeNull();
        (await Store.Checkpoints.GetAsync(other, default)).Should().Be(Cursor.FromSequence(2));
    }

    [Fact]
    public async Task BeginTransaction_CommittedWithDestinationRows_CommitsRowsCheckpointDeadLettersAndAuditTogether()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        await using (var transaction = await Store.BeginTransactionAsync(Job, default))
        {
            await WriteDestinationRowAsync(transaction, 7);
            await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(7), default);
            await transaction.DeadLetters.AddAsync([DeadLetterFor("8")], default);
            await transaction.Runs.AppendAuditAsync([new AuditEntry("run-1", Job, "7", Cursor.FromSequence(7), AuditActions.Written, T0)], default);

            (await Store.Checkpoints.GetAsync(Job, default)).Should().BeNull("nothing is visible before the commit");
            (await transaction.Checkpoints.GetAsync(Job, default)).Should().BeNull("reads in a transaction see the committed checkpoint");
            await transaction.CommitAsync(default);
        }

        (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(7));
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest WHERE number = 7")).Should().Be(1);
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(1);
        (await Store.Runs.GetAuditAsync(Job, "7", default)).Should().ContainSingle();
    }

    [Fact]
    public async Task CommitAsync_DestinationStatementAbortedTheTransaction_ThrowsAndCommitsNothing()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var transaction = await Store.BeginTransactionAsync(Job, default);
        await using (transaction)
        {
            await WriteDestinationRowAsync(transaction, 7);

            // A destination's statement fails and it reports that record Failed, as IDestination allows: PostgreSQL has
            // aborted the transaction, and a bare COMMIT would answer ROLLBACK without an error.
            var npgsql = (NpgsqlTransaction)transaction.DbTransaction!;
            await using (var failing = new NpgsqlCommand("SELECT 1 / 0", npgsql.Connection, npgsql))
            {
                var write = () => failing.ExecuteScalarAsync();
                await write.Should().ThrowAsync<PostgresException>();
            }

            var commit = () => transaction.CommitAsync(default).AsTask();

            (await commit.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*not committed*aborted*");
        }

        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest")).Should().Be(0);
    }

    [Fact]
    public async Task BeginTransaction_DisposedWithoutCommit_RollsBackEverythingButDedupReservations()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        await using (var transaction = await Store.BeginTransactionAsync(Job, default))
        {
            await WriteDestinationRowAsync(transaction, 7);
            await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(7), default);
            await transaction.DeadLetters.AddAsync([DeadLetterFor("8")], default);
            (await transaction.Dedup.ReserveAsync("welcome", ["7"], TimeSpan.FromMinutes(1), default)).Single().Status.Should().Be(DedupStatus.Acquired);
            await transaction.Dedup.CompleteAsync("welcome", ["7"], default);
        }

        (await Store.Checkpoints.GetAsync(Job, default)).Should().BeNull();
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest")).Should().Be(0);
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await Store.Dedup.GetCompletedAsync("welcome", ["7"], default)).Should().BeEmpty("the completion rolled back");
        (await Store.Dedup.ReserveAsync("welcome", ["7"], TimeSpan.FromMinutes(1), default)).Single().Status
            .Should().Be(DedupStatus.HeldElsewhere, "a reservation commits at once, so a crash after the effect is never forgotten");
        Time.Advance(TimeSpan.FromMinutes(1));
        (await Store.Dedup.ReserveAsync("welcome", ["7"], TimeSpan.FromMinutes(1), default)).Single().Status
            .Should().Be(DedupStatus.Reacquired, "the effect may have happened once: the repeat is reported");
    }

    [Fact]
    public async Task DbTransaction_IsAnOpenNpgsqlTransaction()
    {
        await using var transaction = await Store.BeginTransactionAsync(Job, default);

        transaction.DbTransaction.Should().BeOfType<NpgsqlTransaction>()
            .Which.Connection!.State.Should().Be(System.Data.ConnectionState.Open);
    }

    [Fact]
    public async Task Dedup_ReserveOneBatch_AnswersEveryStatusInInputOrder()
    {
        await Store.Dedup.ReserveAsync("s", ["held", "expired"], TimeSpan.FromMinutes(1), default);
        await Store.Dedup.CompleteAsync("s", ["done"], default);
        Time.Advance(TimeSpan.FromSeconds(30));
        await Store.Dedup.ReserveAsync("s", ["held-later"], TimeSpan.FromMinutes(5), default);
        Time.Advance(TimeSpan.FromSeconds(31));

        var reservations = await Store.Dedup.ReserveAsync("s", ["new", "done", "held-later", "expired", "new"], TimeSpan.FromMinutes(1), default);

        reservations.Should().Equal(
            new DedupReservation("new", DedupStatus.Acquired),
            new DedupReservation("done", DedupStatus.AlreadyCompleted),
            new DedupReservation("held-later", DedupStatus.HeldElsewhere),
            new DedupReservation("expired", DedupStatus.Reacquired),
            new DedupReservation("new", DedupStatus.HeldElsewhere));
        (await Store.Dedup.ReserveAsync("other-scope", ["done"], TimeSpan.FromMinutes(1), default)).Single().Status.Should().Be(DedupStatus.Acquired);
    }

    [Fact]
    public async Task Dedup_ReleaseAndGetCompletedAndPurge_TouchOnlyWhatTheyShould()
    {
        await Store.Dedup.ReserveAsync("s", ["a", "b", "c"], TimeSpan.FromMinutes(1), default);
        await Store.Dedup.CompleteAsync("s", ["a", "a"], default);

        await Store.Dedup.ReleaseAsync("s", ["a", "b"], default);

        (await Store.Dedup.GetCompletedAsync("s", ["a", "b", "c", "z"], default)).Should().BeEquivalentTo(["a"]);
        (await Store.Dedup.ReserveAsync("s", ["b"], TimeSpan.FromMinutes(1), default)).Single().Status.Should().Be(DedupStatus.Acquired);
        Time.Advance(TimeSpan.FromMinutes(2));
        (await Store.Dedup.PurgeAsync(T0, 100, default)).Should().Be(2, "the expired holds of b and c go, a completed at T0 is kept");
        (await Store.Dedup.PurgeAsync(Time.GetUtcNow(), 100, default)).Should().Be(1);
    }

    [Fact]
    public async Task DeadLetters_AddListRemoveCount_KeepOneEntryPerKeyOldestDueFirst()
    {
        var other = new JobId("tenant-b", "invoices");
        await Store.DeadLetters.AddAsync(
        [
            DeadLetterFor("k1", due: T0.AddMinutes(3)),
            DeadLetterFor("k2", due: T0.AddMinutes(1)),
            DeadLetterFor("k3", due: null),
            DeadLetterFor("k1", due: T0.AddMinutes(2), attempts: 2) with { Position = Cursor.At(T0.AddSeconds(1), "k1") },
            DeadLetterFor("k9", due: T0, job: other),
        ], default);

        var all = await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default);
        all.Select(e => e.RecordKey).Should().Equal("k2", "k1", "k3");
        all[1].Should().Be(DeadLetterFor("k1", due: T0.AddMinutes(2), attempts: 2) with { Position = Cursor.At(T0.AddSeconds(1), "k1") });
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job) with { DueAtOrBefore = T0.AddMinutes(2), Status = DeadLetterStatus.Pending }, default))
            .Select(e => e.RecordKey).Should().Equal("k2", "k1");
        (await Store.DeadLetters.ListAsync(new DeadLetterQuery { Status = DeadLetterStatus.Parked }, default)).Select(e => e.RecordKey).Should().Equal("k3");
        (await Store.DeadLetters.ListAsync(new DeadLetterQuery { Limit = 2 }, default)).Select(e => e.RecordKey).Should().Equal("k9", "k2");

        (await Store.DeadLetters.RemoveAsync(Job, [.. all.Where(e => e.RecordKey != "k2").Select(DeadLetterId.Of), new DeadLetterId("nope", Cursor.At(T0, "nope"))], default))
            .Should().Be(2);
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(1);
        (await Store.DeadLetters.CountAsync(other, default)).Should().Be(1);
    }

    [Fact]
    public async Task Runs_SaveQueryGetAndPurge_KeepEvidenceAndDropOldRunsWithTheirAudit()
    {
        var started = new RunRecord("run-1", Job, T0, null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);
        await Store.Runs.SaveRunAsync(started, default);
        var ended = started with
        {
            EndedAt = T0.AddSeconds(5),
            Outcome = RunOutcome.CompletedWithDeadLetters,
            CursorFrom = Cursor.At(T0, "1"),
            CursorTo = Cursor.At(T0.AddSeconds(1), "2"),
            Counts = new RunCounts(10, 7, 1, 1, 3, 1),
            ErrorsByClass = new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 3, [ErrorClass.Validation] = 1 },
            SampleRecordKeys = ["1", "2"],
            Error = "one bad record",
        };
        await Store.Runs.SaveRunAsync(ended, default);
        var later = started with { RunId = "run-2", StartedAt = T0.AddHours(1), Job = new JobId("tenant-b", "invoices") };
        await Store.Runs.SaveRunAsync(later, default);
        await Store.Runs.AppendAuditAsync([new AuditEntry("run-1", Job, "1", Cursor.At(T0, "1"), AuditActions.Written, T0), new AuditEntry("run-2", Job, "1", Cursor.At(T0, "1"), AuditActions.Skipped, T0.AddHours(1))], default);

        (await Store.Runs.GetRunAsync("run-1", default)).Should().BeEquivalentTo(ended);
        (await Store.Runs.GetRunAsync("nope", default)).Should().BeNull();
        (await Store.Runs.QueryRunsAsync(new RunQuery(), default)).Select(r => r.RunId).Should().Equal("run-2", "run-1");
        (await Store.Runs.QueryRunsAsync(new RunQuery { Tenant = "tenant-a", Outcome = RunOutcome.CompletedWithDeadLetters, StartedFrom = T0, StartedBefore = T0.AddMinutes(1) }, default))
            .Select(r => r.RunId).Should().Equal("run-1");
        (await Store.Runs.GetAuditAsync(Job, "1", default)).Select(a => a.Action).Should().Equal(AuditActions.Written, AuditActions.Skipped);

        (await Store.Runs.PurgeAsync(T0.AddMinutes(1), 100, default)).Should().Be(1, "only the run that ended before the limit goes; a running one stays");
        (await Store.Runs.GetAuditAsync(Job, "1", default)).Select(a => a.RunId).Should().Equal("run-2");
    }

    [Fact]
    public async Task SyncEngine_DestinationTableInTheSameDatabase_HoldsEveryRecordExactlyOnceAndCommitsTheLastPosition()
    {
        await TableDestination.CreateTablesAsync(DataSource, Schema);
        var engine = new SyncEngine(Store, Time);
        var job = new SyncJob<NumberedRow>(Job, new NumberedSource(500, TimeSpan.Zero), new TableDestination(Schema, "test", 0), new JsonRecordSerializer<NumberedRow>())
        {
            Options = new SyncJobOptions { PageSize = 50, BatchSize = 50, Partitions = 1 },
        };

        var run = await engine.RunAsync(job);

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        (await ScalarAsync<long>("SELECT count(*) FROM {schema}.dest WHERE write_count = 1")).Should().Be(500);
        (await Store.Checkpoints.GetAsync(Job, default)).Should().Be(NumberedSource.PositionOf(500));
        (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run);
    }

    private static DeadLetter DeadLetterFor(string key, DateTimeOffset? due = null, int attempts = 1, JobId? job = null) =>
        new(job ?? Job, key, Cursor.At(T0, key), $"{{\"id\":\"{key}\"}}", ErrorClass.Validation, "bad", attempts, T0, T0.AddSeconds(attempts), due,
            due is null ? DeadLetterStatus.Parked : DeadLetterStatus.Pending);

    private async Task WriteDestinationRowAsync(IStateTransaction transaction, long number)
    {
        var npgsql = (NpgsqlTransaction)transaction.DbTransaction!;
        await using var command = new NpgsqlCommand($"INSERT INTO \"{Schema}\".dest (tenant, stream, number, write_count) VALUES ('t', 's', {number}, 1)", npgsql.Connection, npgsql);
        await command.ExecuteNonQueryAsync();
    }
}
