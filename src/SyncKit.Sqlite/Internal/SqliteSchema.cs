using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// The store's tables and their forward-only migrations. <c>synckit_schema_version</c> holds one row per
/// applied migration; migrations run in one write transaction at start-up, so a crash mid-migration leaves
/// the previous schema intact. A database whose schema is newer than this code is refused, never written.
/// </summary>
internal static class SqliteSchema
{
    // The run counts synckit_run_hours sums; declared before the migrations, whose initializer reads them.
    private static readonly string[] CountColumns =
        ["read_count", "written_count", "skipped_count", "deduplicated_count", "retried_count", "dead_lettered_count"];

    /// <summary>The migrations, in order; migration <c>i</c> brings the schema to version <c>i + 1</c>. Append only.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE synckit_checkpoints (
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            cursor_ticks INTEGER,
            cursor_offset INTEGER,
            cursor_id TEXT NOT NULL,
            cursor_progress TEXT,
            saved_at INTEGER NOT NULL,
            PRIMARY KEY (tenant, stream)
        ) WITHOUT ROWID;

        -- last_reservation records the answer to the latest reservation (0 acquired, 1 re-acquired,
        -- 2 already completed, 3 held elsewhere), so one upsert statement answers a whole batch of keys.
        CREATE TABLE synckit_dedup (
            scope TEXT NOT NULL,
            dedup_key TEXT NOT NULL,
            held_until INTEGER NOT NULL,
            completed_at INTEGER,
            last_reservation INTEGER NOT NULL,
            PRIMARY KEY (scope, dedup_key)
        ) WITHOUT ROWID;

        CREATE TABLE synckit_dead_letters (
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            record_key TEXT NOT NULL,
            position_ticks INTEGER,
            position_offset INTEGER,
            position_id TEXT NOT NULL,
            position_progress TEXT,
            payload TEXT NOT NULL,
            error_class TEXT NOT NULL,
            last_error TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            first_failed_at INTEGER NOT NULL,
            last_failed_at INTEGER NOT NULL,
            next_attempt_at INTEGER,
            status TEXT NOT NULL,
            PRIMARY KEY (tenant, stream, record_key)
        );
        CREATE INDEX synckit_dead_letters_due ON synckit_dead_letters (tenant, stream, status, next_attempt_at);

        CREATE TABLE synckit_runs (
            run_id TEXT NOT NULL PRIMARY KEY,
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            outcome TEXT NOT NULL,
            from_ticks INTEGER,
            from_offset INTEGER,
            from_id TEXT,
            from_progress TEXT,
            to_ticks INTEGER,
            to_offset INTEGER,
            to_id TEXT,
            to_progress TEXT,
            read_count INTEGER NOT NULL,
            written_count INTEGER NOT NULL,
            skipped_count INTEGER NOT NULL,
            deduplicated_count INTEGER NOT NULL,
            retried_count INTEGER NOT NULL,
            dead_lettered_count INTEGER NOT NULL,
            errors_by_class TEXT NOT NULL,
            sample_record_keys TEXT NOT NULL,
            error TEXT
        );
        CREATE INDEX synckit_runs_job ON synckit_runs (tenant, stream, started_at);
        CREATE INDEX synckit_runs_started ON synckit_runs (started_at);
        CREATE INDEX synckit_runs_ended ON synckit_runs (ended_at);

        CREATE TABLE synckit_audit (
            seq INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            record_key TEXT NOT NULL,
            position_ticks INTEGER,
            position_offset INTEGER,
            position_id TEXT NOT NULL,
            position_progress TEXT,
            action TEXT NOT NULL,
            at INTEGER NOT NULL
        );
        CREATE INDEX synckit_audit_record ON synckit_audit (tenant, stream, record_key);
        CREATE INDEX synckit_audit_run ON synckit_audit (run_id);
        """,
        """
        -- Version 2: what a run did (sync, backfill, reconciliation, operator action) and its report.
        ALTER TABLE synckit_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'Sync';
        ALTER TABLE synckit_runs ADD COLUMN report TEXT;
        """,
        """
        -- Version 3: a job's runs of one kind, newest first (the latest sync or reconciliation pass, a kind's totals
        -- over a window) without walking past the job's other kinds.
        CREATE INDEX synckit_runs_job_kind ON synckit_runs (tenant, stream, kind, started_at);
        """,
        """
        -- Version 4: the same entries in the order the run history lists runs (started_at, then run_id), carrying the
        -- outcome and the counts. The latest run of a kind, or of a kind and outcome, is then the first entry of a range
        -- with no sort, and a window's counts per kind are summed from the index alone, without fetching the rows: what
        -- a health check of many jobs reads. It serves every lookup synckit_runs_job_kind served, so it replaces it.
        CREATE INDEX synckit_runs_job_kind_latest ON synckit_runs (
            tenant, stream, kind, started_at, run_id, outcome,
            read_count, written_count, skipped_count, deduplicated_count, retried_count, dead_lettered_count);
        DROP INDEX synckit_runs_job_kind;
        """,
        $"""
        -- Version 5: each job's run counts per kind and hour of started_at, kept by triggers as runs are saved, updated
        -- and pruned, so a window's counts (the error budget of a health check) read one row per hour for the window's
        -- whole hours and walk the runs only for its first, partial hour.
        CREATE TABLE synckit_run_hours (
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            kind TEXT NOT NULL,
            hour INTEGER NOT NULL,
            runs INTEGER NOT NULL,
            read_count INTEGER NOT NULL,
            written_count INTEGER NOT NULL,
            skipped_count INTEGER NOT NULL,
            deduplicated_count INTEGER NOT NULL,
            retried_count INTEGER NOT NULL,
            dead_lettered_count INTEGER NOT NULL,
            PRIMARY KEY (tenant, stream, kind, hour)
        ) WITHOUT ROWID;
        INSERT INTO synckit_run_hours
        SELECT tenant, stream, kind, {Hour("started_at")}, count(*), sum(read_count), sum(written_count), sum(skipped_count),
               sum(deduplicated_count), sum(retried_count), sum(dead_lettered_count)
        FROM synckit_runs GROUP BY 1, 2, 3, 4;
        CREATE TRIGGER synckit_runs_hours_insert AFTER INSERT ON synckit_runs BEGIN {AddToHour("new")} END;
        CREATE TRIGGER synckit_runs_hours_update AFTER UPDATE ON synckit_runs BEGIN {RemoveFromHour("old")} {AddToHour("new")} END;
        CREATE TRIGGER synckit_runs_hours_delete AFTER DELETE ON synckit_runs BEGIN {RemoveFromHour("old")} END;
        """,
        """
        -- Version 6: the source's visibility horizon as of a run's last page, and what held it back, so health measures
        -- lag from it and names an open transaction that stalls it.
        ALTER TABLE synckit_runs ADD COLUMN horizon_at INTEGER;
        ALTER TABLE synckit_runs ADD COLUMN horizon_held_by TEXT;
        """,
        """
        -- Version 7: which store holds each job (one row per job, naming the owner file that store keeps locked), so
        -- a process keeps one file open whatever the number of its jobs.
        CREATE TABLE synckit_job_owners (
            tenant TEXT NOT NULL,
            stream TEXT NOT NULL,
            owner  TEXT NOT NULL,
            PRIMARY KEY (tenant, stream)
        ) WITHOUT ROWID;
        """,
    ];

    /// <summary>The ticks of one hour: <c>synckit_run_hours.hour</c> is a run's start rounded down to a multiple of it.</summary>
    public const long TicksPerHour = TimeSpan.TicksPerHour;

    private static string Hour(string startedAt) => $"{startedAt} - {startedAt} % {TicksPerHour}";

    // A run saved again replaces its row (an upsert, so the update trigger sees the old counts), hence old out, new in.
    private static string AddToHour(string run) => $"""
        INSERT INTO synckit_run_hours VALUES ({run}.tenant, {run}.stream, {run}.kind, {Hour(run + ".started_at")}, 1, {string.Join(", ", CountColumns.Select(c => $"{run}.{c}"))})
        ON CONFLICT (tenant, stream, kind, hour) DO UPDATE SET runs = runs + 1, {string.Join(", ", CountColumns.Select(c => $"{c} = {c} + excluded.{c}"))};
        """;

    private static string RemoveFromHour(string run)
    {
        var key = $"tenant = {run}.tenant AND stream = {run}.stream AND kind = {run}.kind AND hour = {Hour(run + ".started_at")}";
        return $"""
            UPDATE synckit_run_hours SET runs = runs - 1, {string.Join(", ", CountColumns.Select(c => $"{c} = {c} - {run}.{c}"))} WHERE {key};
            DELETE FROM synckit_run_hours WHERE {key} AND runs = 0;
            """;
    }

    /// <summary>The schema version this code writes.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Reads the schema version; 0 for a database SyncKit never touched. Reads only, so a foreign file stays untouched.</summary>
    public static int ReadVersion(StoreConnection connection)
    {
        var exists = connection.Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'synckit_schema_version'").ExecuteScalar();
        return Convert.ToInt64(exists, System.Globalization.CultureInfo.InvariantCulture) == 0
            ? 0
            : Convert.ToInt32(connection.Command("SELECT coalesce(max(version), 0) FROM synckit_schema_version").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Applies the missing migrations in one write transaction; returns the version found before.</summary>
    public static int Migrate(StoreConnection connection, string path, DateTimeOffset now)
    {
        connection.Begin();
        try
        {
            var found = ReadVersion(connection);
            ThrowIfNewer(found, path);
            if (found < CurrentVersion)
            {
                connection.Command("CREATE TABLE IF NOT EXISTS synckit_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)").ExecuteNonQuery();
                for (var version = found + 1; version <= CurrentVersion; version++)
                {
                    // Migration scripts hold several statements, so they run uncached.
                    using (var migration = connection.Connection.CreateCommand())
                    {
                        migration.Transaction = connection.Transaction;
                        migration.CommandText = Migrations[version - 1];
                        migration.ExecuteNonQuery();
                    }

                    connection.Command("INSERT INTO synckit_schema_version (version, applied_at) VALUES ($version, $at)")
                        .Bind("$version", version)
                        .Bind("$at", SqliteValues.Ticks(now))
                        .ExecuteNonQuery();
                }
            }

            connection.Commit();
            return found;
        }
        catch
        {
            connection.Rollback();
            throw;
        }
    }

    public static void ThrowIfNewer(int found, string path)
    {
        if (found > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The SQLite state store '{path}' has schema version {found}, newer than version {CurrentVersion} that this SyncKit.Sqlite understands. " +
                "It was written by a newer SyncKit.Sqlite; upgrade the package (the store never migrates down or writes a newer schema).");
        }
    }
}
