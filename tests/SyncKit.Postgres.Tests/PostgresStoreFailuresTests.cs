using Npgsql;

namespace SyncKit.Postgres.Tests;

/// <summary>PostgreSQL errors no retry can mend become store failures; passing ones do not.</summary>
public sealed class PostgresStoreFailuresTests
{
    [Theory]
    [InlineData("XX001", StoreFailureKind.Corrupt, "damaged")]
    [InlineData("XX002", StoreFailureKind.Corrupt, "damaged")]
    [InlineData("53100", StoreFailureKind.Full, "full")]
    [InlineData("25006", StoreFailureKind.ReadOnly, "no writes")]
    public void From_ErrorNoRetryMends_IsAPermanentStoreFailureSayingWhatToDo(string sqlState, StoreFailureKind kind, string says)
    {
        var failure = PostgresStoreFailures.From(new InvalidOperationException("wrapped", new PostgresException("boom", "ERROR", "ERROR", sqlState)));

        failure.Should().NotBeNull();
        failure!.Kind.Should().Be(kind);
        failure.ErrorClass.Should().Be(ErrorClass.Permanent);
        failure.Message.Should().Contain(says).And.Contain("boom");
    }

    [Theory]
    [InlineData("40001")]
    [InlineData("40P01")]
    [InlineData("57P01")]
    [InlineData("23505")]
    public void From_PassingOrRecordError_IsNotAStoreFailure(string sqlState) =>
        PostgresStoreFailures.From(new PostgresException("serialization, deadlock, shutdown or a constraint", "ERROR", "ERROR", sqlState)).Should().BeNull();
}

/// <summary>The store's own tables fail as a store failure too, so the engine stops the job rather than retry.</summary>
public sealed class PostgresStoreOwnTableFailureTests : Infrastructure.PostgresTestBase
{
    [Fact]
    public async Task SaveAsync_ServerTakesNoWrites_ThrowsAReadOnlyStoreFailure()
    {
        // The server's own answer to a write in a read-only transaction, raised by the checkpoints table of this schema only.
        await ExecuteAsync($"""
            CREATE FUNCTION "{Schema}".refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'cannot execute UPDATE in a read-only transaction' USING ERRCODE = '25006'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON "{Schema}".checkpoints FOR EACH ROW EXECUTE FUNCTION "{Schema}".refuse();
            """);
        var readOnly = Store;

        var thrown = await FluentActions.Awaiting(async () => await readOnly.Checkpoints.SaveAsync(new JobId("acme", "users"), Cursor.FromSequence(1), default))
            .Should().ThrowAsync<StoreFailureException>();

        thrown.Which.Kind.Should().Be(StoreFailureKind.ReadOnly);
        thrown.Which.Message.Should().Contain("no writes");

        var job = new JobId("acme", "users");
        var transaction = await readOnly.BeginTransactionAsync(job, default);
        await using (transaction)
        {
            var committed = async () =>
            {
                await transaction.Checkpoints.SaveAsync(job, Cursor.FromSequence(2), default);
                await transaction.CommitAsync(default);
            };

            (await committed.Should().ThrowAsync<StoreFailureException>()).Which.Kind.Should().Be(StoreFailureKind.ReadOnly, "a batch's commit fails the same way");
        }
    }
}
