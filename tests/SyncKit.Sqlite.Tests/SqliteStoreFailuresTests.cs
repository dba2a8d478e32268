using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Tests;

/// <summary>SQLite errors no retry can mend become store failures; passing ones do not.</summary>
public sealed class SqliteStoreFailuresTests
{
    [Theory]
    [InlineData(11, StoreFailureKind.Corrupt, "damaged")]
    [InlineData(26, StoreFailureKind.Corrupt, "damaged")]
    [InlineData(13, StoreFailureKind.Full, "full")]
    [InlineData(8, StoreFailureKind.ReadOnly, "no writes")]
    public void From_ErrorNoRetryMends_IsAPermanentStoreFailureSayingWhatToDo(int code, StoreFailureKind kind, string says)
    {
        var failure = SqliteStoreFailures.From(new InvalidOperationException("wrapped", new SqliteException("boom", code)));

        failure.Should().NotBeNull();
        failure!.Kind.Should().Be(kind);
        failure.ErrorClass.Should().Be(ErrorClass.Permanent);
        failure.Message.Should().Contain(says).And.Contain("boom");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(19)]
    public void From_PassingOrRecordError_IsNotAStoreFailure(int code) =>
        SqliteStoreFailures.From(new SqliteException("busy, locked or a constraint", code)).Should().BeNull();

    [Fact]
    public async Task From_WriteToAReadOnlyDatabase_IsAReadOnlyStoreFailure()
    {
        using var temp = new TempDatabase();
        await using (var create = new SqliteConnection($"Data Source={temp.Path}"))
        {
            await create.OpenAsync();
            await using var table = create.CreateCommand();
            table.CommandText = "CREATE TABLE t(x)";
            await table.ExecuteNonQueryAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={temp.Path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO t VALUES (1)";

        var thrown = await FluentActions.Awaiting(() => insert.ExecuteNonQueryAsync()).Should().ThrowAsync<SqliteException>();

        SqliteStoreFailures.From(thrown.Which)!.Kind.Should().Be(StoreFailureKind.ReadOnly);
    }
}
