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

/// <summary>The store's own tables fail as a store failure too, so the engine stops the job rather than retry the damage.</summary>
public sealed class SqliteStoreOwnTableFailureTests
{
    private static readonly JobId Job = new("acme", "users");

    [Fact]
    public async Task SaveAsync_CheckpointTableWithADamagedPage_ThrowsACorruptStoreFailure()
    {
        using var temp = new TempDatabase();
        using (var store = temp.OpenStore())
        {
            await store.InitializeAsync();
            await store.Checkpoints.SaveAsync(Job, Cursor.At(DateTimeOffset.UnixEpoch, "1"), CancellationToken.None);
        }

        DamageRootPage(temp.Path, "synckit_checkpoints");
        using var reopened = temp.OpenStore();
        await reopened.InitializeAsync();

        var thrown = await FluentActions.Awaiting(async () => await reopened.Checkpoints.SaveAsync(Job, Cursor.At(DateTimeOffset.UnixEpoch, "2"), CancellationToken.None))
            .Should().ThrowAsync<StoreFailureException>();

        thrown.Which.Kind.Should().Be(StoreFailureKind.Corrupt);
        thrown.Which.ErrorClass.Should().Be(ErrorClass.Permanent);
    }

    /// <summary>Overwrites a table's root page with garbage, as a failing disk would, once every write has reached the file.</summary>
    private static void DamageRootPage(string path, string table)
    {
        long root, pageSize;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
            command.CommandText = $"SELECT rootpage FROM sqlite_master WHERE name = '{table}'";
            root = (long)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA page_size";
            pageSize = (long)command.ExecuteScalar()!;
        }

        SqliteConnection.ClearAllPools();
        using var file = File.OpenWrite(path);
        file.Seek((root - 1) * pageSize, SeekOrigin.Begin);
        file.Write(Enumerable.Repeat((byte)0xA5, (int)pageSize).ToArray());
    }
}
