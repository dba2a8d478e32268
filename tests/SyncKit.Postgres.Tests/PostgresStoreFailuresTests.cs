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
