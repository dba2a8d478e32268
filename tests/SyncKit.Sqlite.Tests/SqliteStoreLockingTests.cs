using Microsoft.Data.Sqlite;
using SyncKit.CrashHost;

namespace SyncKit.Sqlite.Tests;

/// <summary>Concurrent workers in one process share the file safely; a second store (process) is kept off a job.</summary>
public sealed class SqliteStoreLockingTests : IDisposable
{
    private static readonly JobId Job = new("tenant-a", "invoices");

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task BeginTransactionAsync_JobHeldByAnotherStore_IsRefusedNamingTheJob()
    {
        using var first = _database.OpenStore();
        using var second = _database.OpenStore();
        await CommitCheckpointAsync(first, Job, 1);

        var begin = () => second.BeginTransactionAsync(Job, default).AsTask();

        (await begin.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*Job {Job} is already running in another process*'{_database.Path}'*");
    }

    [Fact]
    public async Task RunAsync_JobHeldByThisProcess_IsRefusedInAChildProcessWithoutWritingAnything()
    {
        using var holder = _database.OpenStore();
        await CommitCheckpointAsync(holder, CrashSource.Job, 0);

        var child = await CrashHostProcess.RunAsync(["sqlite", _database.Path, "1000"], int.MaxValue, TimeSpan.FromMinutes(1));

        child.ExitCode.Should().Be(1, child.Output);
        child.Output.Should().Contain("done Failed").And.Contain($"Job {CrashSource.Job} is already running in another process");
        (await holder.Checkpoints.GetAsync(CrashSource.Job, default)).Should().Be(Cursor.FromSequence(0), "the refused process committed nothing");
    }

    [Fact]
    public async Task BeginTransactionAsync_OtherJobOfAnotherStore_IsNotBlocked()
    {
        using var first = _database.OpenStore();
        using var second = _database.OpenStore();
        await CommitCheckpointAsync(first, Job, 1);
        var other = new JobId("tenant-b", "invoices");

        var transaction = await second.BeginTransactionAsync(other, default);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(other, Cursor.FromSequence(1), default);
            await transaction.CommitAsync(default);
        }

        (await first.Checkpoints.GetAsync(other, default)).Should().Be(Cursor.FromSequence(1), "the second store committed the other job");
        var begin = () => second.BeginTransactionAsync(Job, default).AsTask();
        await begin.Should().ThrowAsync<InvalidOperationException>("the first store still holds its own job: the hold is per job, not per file");
    }

    [Fact]
    public async Task BeginTransactionAsync_ThousandsOfJobsThatEachCommit_KeepOneLockFileOpen()
    {
        const int jobs = 2_000;
        using var store = _database.OpenStore();
        await store.InitializeAsync();
        var openBefore = OpenFileDescriptors();

        for (var i = 0; i < jobs; i++)
        {
            var job = new JobId($"tenant-{i}", "invoices");
            var transaction = await store.BeginTransactionAsync(job, default);
            await using (transaction)
            {
                await transaction.Checkpoints.SaveAsync(job, Cursor.FromSequence(1), default);
                await transaction.CommitAsync(default);
            }
        }

        Directory.GetFiles(_database.Path + ".locks").Should().ContainSingle("one owner file per store, not one lock file per job");
        (OpenFileDescriptors() - openBefore).Should().BeLessThan(20, $"{jobs} jobs hold their claims through one open file");
        using var other = _database.OpenStore();
        var begin = () => other.BeginTransactionAsync(new JobId("tenant-1999", "invoices"), default).AsTask();
        await begin.Should().ThrowAsync<InvalidOperationException>("every claim still holds");
    }

    [Fact]
    public async Task BeginTransactionAsync_AfterTheHoldingStoreIsDisposed_TakesTheJob()
    {
        using (var first = _database.OpenStore())
        {
            await CommitCheckpointAsync(first, Job, 0);
        }

        using var second = _database.OpenStore();
        var transaction = await second.BeginTransactionAsync(Job, default);
        await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default);
        await transaction.CommitAsync(default);
        await transaction.DisposeAsync();

        (await second.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(1));
    }

    [Fact]
    public async Task Writes_WhileATransactionHoldsTheWriteLock_WaitForItsCommitInsteadOfFailing()
    {
        using var store = _database.OpenStore();
        var transaction = await store.BeginTransactionAsync(Job, default);
        await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default);

        var waiting = Task.Run(() => store.Dedup.CompleteAsync("scope", ["k"], default).AsTask());
        var read = await store.Checkpoints.GetAsync(Job, default);
        await transaction.CommitAsync(default);
        await transaction.DisposeAsync();
        await waiting;

        read.Should().BeNull("readers see committed state and are not blocked by the open transaction");
        (await store.Dedup.GetCompletedAsync("scope", ["k"], default)).Should().Equal("k");
    }

    [Fact]
    public async Task Writes_TransactionLeftOpenPastTheBusyTimeout_FailWithAnExplanation()
    {
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = _database.Path, BusyTimeout = TimeSpan.FromMilliseconds(200) });
        var transaction = await store.BeginTransactionAsync(Job, default);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default);

            var write = () => store.Checkpoints.SaveAsync(Job, Cursor.FromSequence(2), default).AsTask();

            (await write.Should().ThrowAsync<TimeoutException>()).WithMessage("*waited 00:00:00.2*transaction was left open*");
        }
    }

    [Fact]
    public async Task DbTransaction_DestinationTableInTheSameFile_CommitsAndRollsBackWithTheCheckpoint()
    {
        using var store = _database.OpenStore();
        await store.InitializeAsync();
        using (var setup = new SqliteConnection($"Data Source={_database.Path};Pooling=false"))
        {
            setup.Open();
            using var create = setup.CreateCommand();
            create.CommandText = "CREATE TABLE rows (key TEXT PRIMARY KEY)";
            create.ExecuteNonQuery();
        }

        await WriteRowAsync(store, "committed", Cursor.FromSequence(1), commit: true);
        await WriteRowAsync(store, "rolled-back", Cursor.FromSequence(2), commit: false);

        (await store.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(1));
        using var check = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        check.Open();
        using var select = check.CreateCommand();
        select.CommandText = "SELECT group_concat(key) FROM rows";
        select.ExecuteScalar().Should().Be("committed");
    }

    [Fact]
    public async Task DbTransaction_RolledBackWholeByADestinationStatement_LaterWritesAndTheCommitFailAndNothingIsCommitted()
    {
        using var store = _database.OpenStore();
        await store.InitializeAsync();
        using (var setup = new SqliteConnection($"Data Source={_database.Path};Pooling=false"))
        {
            setup.Open();
            using var create = setup.CreateCommand();
            create.CommandText = """
                CREATE TABLE rows (key TEXT PRIMARY KEY);
                CREATE TABLE refused (key TEXT);
                CREATE TRIGGER refuse BEFORE INSERT ON refused BEGIN SELECT RAISE(ROLLBACK, 'refused'); END;
                """;
            create.ExecuteNonQuery();
        }

        var transaction = await store.BeginTransactionAsync(Job, default);
        await using (transaction)
        {
            var dbTransaction = (SqliteTransaction)transaction.DbTransaction!;
            Execute(dbTransaction, "INSERT INTO rows (key) VALUES ('written')");
            var refused = () => Execute(dbTransaction, "INSERT INTO refused (key) VALUES ('x')");
            refused.Should().Throw<SqliteException>("the trigger rolls the whole transaction back");

            // Written one by one, the checkpoint would now commit on its own, past a row that is gone.
            var save = () => transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default).AsTask();
            await save.Should().ThrowAsync<InvalidOperationException>();
            var commit = () => transaction.CommitAsync(default).AsTask();
            await commit.Should().ThrowAsync<InvalidOperationException>();
        }

        (await store.Checkpoints.GetAsync(Job, default)).Should().BeNull();
        using var check = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        check.Open();
        using var select = check.CreateCommand();
        select.CommandText = "SELECT count(*) FROM rows";
        select.ExecuteScalar().Should().Be(0L);
    }

    private static void Execute(SqliteTransaction transaction, string sql)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task WriteRowAsync(SqliteSyncStateStore store, string key, Cursor checkpoint, bool commit)
    {
        var transaction = await store.BeginTransactionAsync(Job, default);
        await using (transaction)
        {
            var dbTransaction = (SqliteTransaction)transaction.DbTransaction!;
            using var insert = dbTransaction.Connection!.CreateCommand();
            insert.Transaction = dbTransaction;
            insert.CommandText = "INSERT INTO rows (key) VALUES ($key)";
            insert.Parameters.AddWithValue("$key", key);
            insert.ExecuteNonQuery();
            await transaction.Checkpoints.SaveAsync(Job, checkpoint, default);
            if (commit)
            {
                await transaction.CommitAsync(default);
            }
        }
    }

    /// <summary>A store claims a job with the first transaction that writes for it.</summary>
    private static async Task CommitCheckpointAsync(SqliteSyncStateStore store, JobId job, long sequence)
    {
        var transaction = await store.BeginTransactionAsync(job, default);
        await using (transaction)
        {
            await transaction.Checkpoints.SaveAsync(job, Cursor.FromSequence(sequence), default);
            await transaction.CommitAsync(default);
        }
    }

    /// <summary>This process's open file descriptors (Linux), or its open handles elsewhere.</summary>
    private static int OpenFileDescriptors() =>
        OperatingSystem.IsLinux() ? Directory.GetFiles("/proc/self/fd").Length : System.Diagnostics.Process.GetCurrentProcess().HandleCount;
}
