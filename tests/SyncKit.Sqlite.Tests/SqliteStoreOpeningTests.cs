using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Tests;

/// <summary>Opening the file: what is refused (guarantee 14), what is migrated, and how the file is configured.</summary>
public sealed class SqliteStoreOpeningTests : IDisposable
{
    private static readonly JobId Job = new("tenant-a", "invoices");

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task InitializeAsync_FileIsNotADatabase_FailsNamingItAndLeavesItUntouched()
    {
        var content = RandomNumberGenerator.GetBytes(8_192);
        File.WriteAllBytes(_database.Path, content);
        using var store = _database.OpenStore();

        var open = () => store.InitializeAsync();

        (await open.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*'{_database.Path}' is not a SQLite database*left untouched*");
        File.ReadAllBytes(_database.Path).Should().Equal(content);
        Directory.GetFileSystemEntries(_database.Directory).Should().Equal([_database.Path], "no journal, WAL or lock file is created beside it");
    }

    [Fact]
    public async Task InitializeAsync_PathUnderAFile_FailsNamingThePath()
    {
        var file = Path.Combine(_database.Directory, "not-a-directory");
        File.WriteAllText(file, "x");
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = Path.Combine(file, "state.db") });

        var open = () => store.InitializeAsync();

        (await open.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*'{Path.Combine(file, "state.db")}' cannot be opened or created for writing*");
    }

    [Fact]
    public async Task InitializeAsync_ReadOnlyDirectory_FailsAndCreatesNothing()
    {
        // Tests run as root, which ignores permission bits: the immutable attribute stops root too.
        var directory = Directory.CreateDirectory(Path.Combine(_database.Directory, "read-only")).FullName;
        using var immutable = Immutable.Set(directory);
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = Path.Combine(directory, "state.db") });

        var open = () => store.InitializeAsync();

        (await open.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*'{Path.Combine(directory, "state.db")}' cannot be opened or created for writing*directory exists and is writable*");
        Directory.GetFileSystemEntries(directory).Should().BeEmpty();
    }

    [Fact]
    public async Task InitializeAsync_ReadOnlyDatabaseFile_FailsAndLeavesItUntouched()
    {
        using (var store = _database.OpenStore())
        {
            await store.Checkpoints.SaveAsync(Job, Cursor.FromSequence(7), default);
        }

        var before = File.ReadAllBytes(_database.Path);
        using (Immutable.Set(_database.Path))
        {
            using var store = _database.OpenStore();

            var open = () => store.InitializeAsync();

            (await open.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*'{_database.Path}' cannot be written*left untouched*");
            File.ReadAllBytes(_database.Path).Should().Equal(before);
        }
    }

    [Fact]
    public async Task InitializeAsync_NewerSchema_IsRefusedNamingBothVersionsAndNotWritten()
    {
        using (var store = _database.OpenStore())
        {
            await store.InitializeAsync();
        }

        Execute("INSERT INTO synckit_schema_version (version, applied_at) VALUES (99, 0)");
        var before = File.ReadAllBytes(_database.Path);
        using var newer = _database.OpenStore();

        var open = () => newer.InitializeAsync();

        (await open.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*has schema version 99, newer than version {Internal.SqliteSchema.CurrentVersion} that this SyncKit.Sqlite understands*upgrade*");
        File.ReadAllBytes(_database.Path).Should().Equal(before);
        var write = () => newer.Checkpoints.SaveAsync(Job, Cursor.FromSequence(1), default).AsTask();
        await write.Should().ThrowAsync<InvalidOperationException>("every use of the store is refused, not only the first");
    }

    [Fact]
    public async Task InitializeAsync_NewFile_AppliesEveryMigrationOnceInWalMode()
    {
        using (var store = _database.OpenStore())
        {
            await store.InitializeAsync();
            await store.InitializeAsync();
        }

        using (var again = _database.OpenStore())
        {
            await again.InitializeAsync();
        }

        Query("SELECT group_concat(version) FROM synckit_schema_version").Should().Be("1,2,3,4,5,6,7");
        Query("PRAGMA journal_mode").Should().Be("wal");
    }

    // What undoes versions 7 to 5, first in every script that makes an older file: version 5's triggers name columns
    // older versions lack.
    private const string UndoVersions7To5 = """
        DROP TABLE synckit_job_owners;
        ALTER TABLE synckit_runs DROP COLUMN horizon_at;
        ALTER TABLE synckit_runs DROP COLUMN horizon_held_by;
        DROP TRIGGER synckit_runs_hours_insert;
        DROP TRIGGER synckit_runs_hours_update;
        DROP TRIGGER synckit_runs_hours_delete;
        DROP TABLE synckit_run_hours;

        """;

    [Fact]
    public async Task InitializeAsync_Version4File_CountsItsRunsPerHourAndKeepsCountingAsRunsChange()
    {
        var hour = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        RunRecord Run(string id, int minutes, long written) =>
            new(id, Job, hour.AddMinutes(minutes), hour.AddMinutes(minutes + 1), RunOutcome.Succeeded, null, null, new RunCounts(written, written, 0, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null);
        using (var store = _database.OpenStore())
        {
            await store.Runs.SaveRunAsync(Run("run-1", 10, 5), default);
            await store.Runs.SaveRunAsync(Run("run-2", 70, 7), default);
        }

        Execute(UndoVersions7To5 + "DELETE FROM synckit_schema_version WHERE version > 4;");

        using (var upgraded = _database.OpenStore())
        {
            await upgraded.InitializeAsync();
            Query("SELECT group_concat(runs || ':' || written_count) FROM synckit_run_hours").Should().Be("1:5,1:7", "the runs saved before version 5 are counted in their hours");
            await upgraded.Runs.SaveRunAsync(Run("run-2", 70, 9), default);
            await upgraded.Runs.SaveRunAsync(Run("run-3", 75, 1), default);
            var inputs = await upgraded.ReadHealthInputsAsync([Job], hour, default);
            inputs.Single().WindowCounts[RunKind.Sync].Written.Should().Be(5 + 9 + 1, "a run saved again counts with its last counts, once");
        }

        Query("SELECT group_concat(version) FROM synckit_schema_version").Should().Be("1,2,3,4,5,6,7");
        Query("SELECT group_concat(runs || ':' || written_count) FROM synckit_run_hours").Should().Be("1:5,2:10");
    }

    [Fact]
    public async Task InitializeAsync_Version1File_MigratesForwardKeepingItsData()
    {
        var run = new RunRecord("run-1", Job, DateTimeOffset.UnixEpoch, null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);
        using (var store = _database.OpenStore())
        {
            await store.Runs.SaveRunAsync(run, default);
        }

        // What a version 1 file looks like: no run kind or report.
        Execute(UndoVersions7To5 + """
            DROP INDEX synckit_runs_job_kind_latest;
            ALTER TABLE synckit_runs DROP COLUMN kind;
            ALTER TABLE synckit_runs DROP COLUMN report;
            DELETE FROM synckit_schema_version WHERE version > 1;
            """);

        using (var upgraded = _database.OpenStore())
        {
            (await upgraded.Runs.GetRunAsync("run-1", default)).Should().BeEquivalentTo(run, "a run saved before version 2 reads as a sync run without a report");
            await upgraded.Runs.SaveRunAsync(run with { Kind = RunKind.Backfill, Report = "{}" }, default);
            (await upgraded.Runs.GetRunAsync("run-1", default))!.Kind.Should().Be(RunKind.Backfill);
        }

        Query("SELECT group_concat(version) FROM synckit_schema_version").Should().Be("1,2,3,4,5,6,7");
    }

    [Fact]
    public async Task InitializeAsync_Version2File_AddsTheJobKindIndexThatRunQueriesUse()
    {
        var run = new RunRecord("run-1", Job, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunOutcome.Succeeded, null, null, new RunCounts(5, 4, 1, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null);
        using (var store = _database.OpenStore())
        {
            await store.Runs.SaveRunAsync(run, default);
        }

        Execute(UndoVersions7To5 + """
            DROP INDEX synckit_runs_job_kind_latest;
            DELETE FROM synckit_schema_version WHERE version > 2;
            """);

        using (var upgraded = _database.OpenStore())
        {
            (await upgraded.Runs.SumCountsByKindAsync(RunQuery.ForJob(Job), default)).Should().ContainSingle()
                .Which.Should().Be(new KeyValuePair<RunKind, RunCounts>(RunKind.Sync, run.Counts), "the runs saved before version 3 are kept");
        }

        Query("SELECT group_concat(version) FROM synckit_schema_version").Should().Be("1,2,3,4,5,6,7");
        QueryPlan("SELECT run_id FROM synckit_runs WHERE tenant = 'acme' AND stream = 'orders' AND kind = 'FullReconciliation' ORDER BY started_at DESC LIMIT 1")
            .Should().Contain("synckit_runs_job_kind", "the latest run of a kind is found without walking the job's other kinds");
    }

    [Fact]
    public async Task InitializeAsync_Version3File_ReplacesTheJobKindIndexWithOneThatOrdersAndCoversHealthReads()
    {
        var run = new RunRecord("run-1", Job, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunOutcome.Succeeded, null, null, new RunCounts(5, 4, 1, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null);
        using (var store = _database.OpenStore())
        {
            await store.Runs.SaveRunAsync(run, default);
        }

        Execute(UndoVersions7To5 + """
            DROP INDEX synckit_runs_job_kind_latest;
            CREATE INDEX synckit_runs_job_kind ON synckit_runs (tenant, stream, kind, started_at);
            DELETE FROM synckit_schema_version WHERE version > 3;
            """);

        using (var upgraded = _database.OpenStore())
        {
            var inputs = await upgraded.ReadHealthInputsAsync([Job], DateTimeOffset.UnixEpoch, default);
            inputs.Single().LatestSuccess.Should().Be(RunSummary.Of(run), "the runs saved before version 4 are kept");
        }

        Query("SELECT group_concat(version) FROM synckit_schema_version").Should().Be("1,2,3,4,5,6,7");
        Query("SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND name LIKE 'synckit_runs_job%' ORDER BY name")
            .Should().Be("synckit_runs_job,synckit_runs_job_kind_latest");
        QueryPlan("SELECT run_id FROM synckit_runs WHERE tenant = 'acme' AND stream = 'orders' AND kind = 'Sync' AND outcome IN ('Succeeded', 'CompletedWithDeadLetters') ORDER BY started_at DESC, run_id DESC LIMIT 1")
            .Should().Contain("COVERING INDEX synckit_runs_job_kind_latest").And.NotContain("TEMP B-TREE");
        QueryPlan("SELECT sum(read_count), sum(dead_lettered_count) FROM synckit_runs WHERE tenant = 'acme' AND stream = 'orders' AND kind = 'Sync' AND started_at >= 5")
            .Should().Contain("COVERING INDEX synckit_runs_job_kind_latest");
    }

    [Fact]
    public async Task Runs_RunAuditPageQuery_IsOneRangeOfTheRunIndexWithoutASort()
    {
        using (var store = _database.OpenStore())
        {
            await store.InitializeAsync();
        }

        // The shape of the page query of GetRunAuditAsync: synckit_audit_run (run_id) holds the rowid (seq) in order.
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN SELECT * FROM synckit_audit WHERE run_id = 'run-1' AND seq > 10 ORDER BY seq LIMIT 11";
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().ContainSingle().Which.Should().Contain("USING INDEX synckit_audit_run").And.Contain("run_id=?").And.NotContain("TEMP B-TREE");
    }

    [Fact]
    public async Task Runs_KindAndReport_RoundTripAndFilter()
    {
        using var store = _database.OpenStore();
        var sync = new RunRecord("sync", Job, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunOutcome.Succeeded, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);
        var reconciliation = sync with { RunId = "full", Kind = RunKind.FullReconciliation, Report = """{"gaps":3,"note":"ünï"}""" };
        await store.Runs.SaveRunAsync(sync, default);
        await store.Runs.SaveRunAsync(reconciliation, default);

        var found = await store.Runs.QueryRunsAsync(RunQuery.ForJob(Job) with { Kind = RunKind.FullReconciliation }, default);

        found.Should().ContainSingle().Which.Should().BeEquivalentTo(reconciliation);
        (await store.Runs.GetRunAsync("sync", default))!.Kind.Should().Be(RunKind.Sync);
    }

    [Theory]
    [InlineData(SqliteDurability.Full, 2)]
    [InlineData(SqliteDurability.Normal, 1)]
    public async Task BeginTransactionAsync_Durability_SetsSynchronousOnTheConnection(SqliteDurability durability, long synchronous)
    {
        using var store = _database.OpenStore(durability: durability);
        var transaction = await store.BeginTransactionAsync(Job, default);
        await using (transaction)
        {
            using var command = (SqliteCommand)transaction.DbTransaction!.Connection!.CreateCommand();
            command.Transaction = (SqliteTransaction)transaction.DbTransaction;
            command.CommandText = "PRAGMA synchronous";

            command.ExecuteScalar().Should().Be(synchronous);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=x.db;Mode=Memory")]
    [InlineData("Data Source=x.db;Mode=ReadOnly")]
    [InlineData("Data Source=x.db;No Such Keyword=1")]
    public void Constructor_UnusableConnectionString_FailsNamingTheSetting(string connectionString)
    {
        var create = () => new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = connectionString });

        create.Should().Throw<ArgumentException>().WithMessage("*ConnectionString*");
    }

    [Fact]
    public void Constructor_NegativeBusyTimeout_FailsNamingTheSetting()
    {
        var create = () => new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = _database.Path, BusyTimeout = TimeSpan.FromSeconds(-1) });

        create.Should().Throw<ArgumentException>().WithMessage("*BusyTimeout*");
    }

    [Fact]
    public async Task Reopen_AfterCommits_KeepsEveryCommittedWrite()
    {
        using (var store = _database.OpenStore())
        {
            var transaction = await store.BeginTransactionAsync(Job, default);
            await using (transaction)
            {
                await transaction.Checkpoints.SaveAsync(Job, Cursor.FromSequence(42), default);
                await transaction.Dedup.CompleteAsync("scope", ["k"], default);
                await transaction.CommitAsync(default);
            }
        }

        using var reopened = _database.OpenStore();
        (await reopened.Checkpoints.GetAsync(Job, default)).Should().Be(Cursor.FromSequence(42));
        (await reopened.Dedup.GetCompletedAsync("scope", ["k"], default)).Should().Equal("k");
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private string QueryPlan(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read())
        {
            steps.Add(reader.GetString(3));
        }

        return string.Join("; ", steps);
    }

    /// <summary>Sets the immutable attribute (which stops root too) until disposed.</summary>
    private sealed class Immutable : IDisposable
    {
        private readonly string _path;

        private Immutable(string path) => _path = path;

        public static Immutable Set(string path)
        {
            Chattr("+i", path);
            return new Immutable(path);
        }

        public void Dispose() => Chattr("-i", _path);

        private static void Chattr(string flag, string path)
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, path]) { RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            process.ExitCode.Should().Be(0, $"chattr {flag} {path} must work to make a path truly read-only for root: {error}");
        }
    }
}
