using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>The store interfaces as SQL statements, run in an <see cref="ISqliteSession"/>.</summary>
internal sealed partial class SqliteStateWriter(ISqliteSession session)
    : ICheckpointStore, IDedupStore, IDeadLetterStore, IRunHistoryStore
{
    private const string RunColumns =
        "run_id, tenant, stream, started_at, ended_at, outcome, from_ticks, from_offset, from_id, from_progress, " +
        "to_ticks, to_offset, to_id, to_progress, read_count, written_count, skipped_count, deduplicated_count, " +
        "retried_count, dead_lettered_count, errors_by_class, sample_record_keys, error, kind, report, horizon_at, horizon_held_by";

    // A run saved again is updated in place rather than replaced: a replace deletes without firing the delete trigger
    // that keeps synckit_run_hours (SQLite fires it only with recursive triggers on), so the hour would count it twice.
    private static readonly string RunUpdates = string.Join(", ", RunColumns.Split(", ").Skip(1).Select(c => $"{c} = excluded.{c}"));

    private const string AuditColumns =
        "run_id, tenant, stream, record_key, position_ticks, position_offset, position_id, position_progress, action, at";

    private static readonly CursorParameters CheckpointCursor = CursorParameters.Named("cursor");
    private static readonly CursorParameters Position = CursorParameters.Named("position");
    private static readonly CursorParameters From = CursorParameters.Named("from");
    private static readonly CursorParameters To = CursorParameters.Named("to");

    // ---- Checkpoints ----

    public ValueTask<Cursor?> GetAsync(JobId job, CancellationToken cancellationToken) =>
        session.ReadAsync(job, static (connection, job) =>
        {
            using var reader = connection.Command(
                    "SELECT cursor_ticks, cursor_offset, cursor_id, cursor_progress FROM synckit_checkpoints WHERE tenant = $tenant AND stream = $stream")
                .BindJob(job)
                .ExecuteReader();
            return reader.Read() ? SqliteValues.Cursor(reader, 0) : null;
        }, cancellationToken);

    public ValueTask SaveAsync(JobId job, Cursor cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return Discard(session.WriteAsync((Job: job, Cursor: cursor, Now: session.Time.GetUtcNow()), static (connection, s) =>
            connection.Command("""
                    INSERT INTO synckit_checkpoints (tenant, stream, cursor_ticks, cursor_offset, cursor_id, cursor_progress, saved_at)
                    VALUES ($tenant, $stream, $cursor_ticks, $cursor_offset, $cursor_id, $cursor_progress, $now)
                    ON CONFLICT (tenant, stream) DO UPDATE SET
                        cursor_ticks = excluded.cursor_ticks, cursor_offset = excluded.cursor_offset, cursor_id = excluded.cursor_id,
                        cursor_progress = excluded.cursor_progress, saved_at = excluded.saved_at
                    """)
                .BindJob(s.Job)
                .BindCursor(CheckpointCursor, s.Cursor)
                .Bind("$now", SqliteValues.Ticks(s.Now))
                .ExecuteNonQuery(), cancellationToken));
    }

    public ValueTask DeleteAsync(JobId job, CancellationToken cancellationToken) =>
        Discard(session.WriteAsync(job, static (connection, job) =>
            connection.Command("DELETE FROM synckit_checkpoints WHERE tenant = $tenant AND stream = $stream").BindJob(job).ExecuteNonQuery(), cancellationToken));

    // ---- Dedup ----

    public async ValueTask<IReadOnlyList<DedupReservation>> ReserveAsync(string scope, IReadOnlyList<string> keys, TimeSpan hold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var distinct = new HashSet<string>(keys, StringComparer.Ordinal);
        var answers = await session.HoldAsync((Scope: scope, Keys: SqliteValues.JsonArray(distinct), Hold: hold, Time: session.Time), static (connection, s) =>
        {
            var now = s.Time.GetUtcNow().UtcTicks;
            var heldUntil = s.Hold.Ticks > DateTimeOffset.MaxValue.UtcTicks - now ? DateTimeOffset.MaxValue.UtcTicks : now + s.Hold.Ticks;

            // One statement answers the whole batch: new keys insert (acquired); existing ones update only their
            // last_reservation, and take a new hold only when the old one expired uncompleted. SET expressions
            // read the row's values from before the update.
            using var reader = connection.Command("""
                    INSERT INTO synckit_dedup (scope, dedup_key, held_until, completed_at, last_reservation)
                    SELECT $scope, value, $held_until, NULL, 0 FROM json_each($keys) WHERE true
                    ON CONFLICT (scope, dedup_key) DO UPDATE SET
                        last_reservation = CASE WHEN completed_at IS NOT NULL THEN 2 WHEN held_until > $now THEN 3 ELSE 1 END,
                        held_until = CASE WHEN completed_at IS NULL AND held_until <= $now THEN excluded.held_until ELSE held_until END
                    RETURNING dedup_key, last_reservation
                    """)
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .Bind("$held_until", heldUntil)
                .Bind("$now", now)
                .ExecuteReader();
            var statuses = new Dictionary<string, DedupStatus>(StringComparer.Ordinal);
            while (reader.Read())
            {
                statuses[reader.GetString(0)] = reader.GetInt64(1) switch
                {
                    0 => DedupStatus.Acquired,
                    1 => DedupStatus.Reacquired,
                    2 => DedupStatus.AlreadyCompleted,
                    _ => DedupStatus.HeldElsewhere,
                };
            }

            return statuses;
        }, cancellationToken).ConfigureAwait(false);

        // A key repeated in the batch is held by its first occurrence; the repeats see that hold.
        var result = new DedupReservation[keys.Count];
        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var status = answers[keys[i]];
            if (!answered.Add(keys[i]) && status is DedupStatus.Acquired or DedupStatus.Reacquired)
            {
                status = DedupStatus.HeldElsewhere;
            }

            result[i] = new DedupReservation(keys[i], status);
        }

        return result;
    }

    public ValueTask CompleteAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys), Now: session.Time.GetUtcNow()), static (connection, s) =>
            connection.Command("""
                    INSERT INTO synckit_dedup (scope, dedup_key, held_until, completed_at, last_reservation)
                    SELECT $scope, value, $now, $now, 2 FROM json_each($keys) WHERE true
                    ON CONFLICT (scope, dedup_key) DO UPDATE SET completed_at = excluded.completed_at, held_until = excluded.held_until
                    """)
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .Bind("$now", SqliteValues.Ticks(s.Now))
                .ExecuteNonQuery(), cancellationToken));

    public ValueTask ReleaseAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys)), static (connection, s) =>
            connection.Command("DELETE FROM synckit_dedup WHERE scope = $scope AND completed_at IS NULL AND dedup_key IN (SELECT value FROM json_each($keys))")
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .ExecuteNonQuery(), cancellationToken));

    public ValueTask<IReadOnlySet<string>> GetCompletedAsync(string scope, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        session.ReadAsync((Scope: scope, Keys: SqliteValues.JsonArray(keys)), static (connection, s) =>
        {
            using var reader = connection.Command(
                    "SELECT dedup_key FROM synckit_dedup WHERE scope = $scope AND completed_at IS NOT NULL AND dedup_key IN (SELECT value FROM json_each($keys))")
                .Bind("$scope", s.Scope)
                .Bind("$keys", s.Keys)
                .ExecuteReader();
            var completed = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                completed.Add(reader.GetString(0));
            }

            return (IReadOnlySet<string>)completed;
        }, cancellationToken);

    public ValueTask<int> PurgeAsync(DateTimeOffset completedBefore, CancellationToken cancellationToken) =>
        session.WriteAsync((Before: completedBefore, Time: session.Time), static (connection, s) =>
            connection.Command("""
                    DELETE FROM synckit_dedup
                    WHERE (completed_at IS NOT NULL AND completed_at < $before) OR (completed_at IS NULL AND held_until <= $now)
                    """)
                .Bind("$before", SqliteValues.Ticks(s.Before))
                .Bind("$now", SqliteValues.Ticks(s.Time.GetUtcNow()))
                .ExecuteNonQuery(), cancellationToken);

    // ---- Run history and audit ----

    public ValueTask SaveRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Discard(session.WriteAsync(run, static (connection, run) =>
            connection.Command($"""
                    INSERT INTO synckit_runs ({RunColumns})
                    VALUES ($run_id, $tenant, $stream, $started_at, $ended_at, $outcome, $from_ticks, $from_offset, $from_id, $from_progress,
                            $to_ticks, $to_offset, $to_id, $to_progress, $read, $written, $skipped, $deduplicated, $retried, $dead_lettered,
                            $errors_by_class, $sample_record_keys, $error, $kind, $report, $horizon_at, $horizon_held_by)
                    ON CONFLICT (run_id) DO UPDATE SET {RunUpdates}
                    """)
                .Bind("$run_id", run.RunId)
                .BindJob(run.Job)
                .Bind("$started_at", SqliteValues.Ticks(run.StartedAt))
                .Bind("$ended_at", SqliteValues.Ticks(run.EndedAt))
                .Bind("$outcome", SqliteValues.Name(run.Outcome))
                .BindCursor(From, run.CursorFrom)
                .BindCursor(To, run.CursorTo)
                .Bind("$read", run.Counts.Read)
                .Bind("$written", run.Counts.Written)
                .Bind("$skipped", run.Counts.Skipped)
                .Bind("$deduplicated", run.Counts.Deduplicated)
                .Bind("$retried", run.Counts.Retried)
                .Bind("$dead_lettered", run.Counts.DeadLettered)
                .Bind("$errors_by_class", SqliteValues.JsonObject(run.ErrorsByClass))
                .Bind("$sample_record_keys", SqliteValues.JsonArray(run.SampleRecordKeys))
                .Bind("$error", run.Error)
                .Bind("$kind", SqliteValues.Name(run.Kind))
                .Bind("$report", run.Report)
                .Bind("$horizon_at", SqliteValues.Ticks(run.Horizon?.At))
                .Bind("$horizon_held_by", run.Horizon?.HeldBy)
                .ExecuteNonQuery(), cancellationToken));
    }

    public async ValueTask<RunRecord?> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var runs = await QueryRunsAsync(new RunQuery { Limit = 1 }, runId, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    public ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return QueryRunsAsync(query, null, cancellationToken);
    }

    public ValueTask AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Count == 0 ? ValueTask.CompletedTask : Discard(session.WriteAsync(entries, static (connection, entries) =>
        {
            var command = connection.Command($"""
                INSERT INTO synckit_audit ({AuditColumns})
                VALUES ($run_id, $tenant, $stream, $record_key, $position_ticks, $position_offset, $position_id, $position_progress, $action, $at)
                """);
            foreach (var entry in entries)
            {
                command
                    .Bind("$run_id", entry.RunId)
                    .BindJob(entry.Job)
                    .Bind("$record_key", entry.RecordKey)
                    .BindCursor(Position, entry.Position)
                    .Bind("$action", entry.Action)
                    .Bind("$at", SqliteValues.Ticks(entry.At))
                    .ExecuteNonQuery();
            }

            return 0;
        }, cancellationToken));
    }

    public ValueTask<IReadOnlyList<AuditEntry>> GetAuditAsync(JobId job, string recordKey, CancellationToken cancellationToken) =>
        session.ReadAsync((Job: job, Key: recordKey), static (connection, s) =>
        {
            using var reader = connection.Command(
                    $"SELECT {AuditColumns} FROM synckit_audit WHERE tenant = $tenant AND stream = $stream AND record_key = $record_key ORDER BY seq")
                .BindJob(s.Job)
                .Bind("$record_key", s.Key)
                .ExecuteReader();
            var entries = new List<AuditEntry>();
            while (reader.Read())
            {
                entries.Add(ReadAudit(reader, 0));
            }

            return (IReadOnlyList<AuditEntry>)entries;
        }, cancellationToken);

    public ValueTask<RunAuditPage> GetRunAuditAsync(RunAuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return session.ReadAsync(query, static (connection, query) =>
        {
            // Keyset paging on synckit_audit_run, whose entries hold seq (the rowid) in order after run_id: each page is
            // one index range, however deep. One row past the page tells whether another page follows.
            using var reader = connection.Command($"SELECT seq, {AuditColumns} FROM synckit_audit WHERE run_id = $run_id AND seq > $after ORDER BY seq LIMIT $limit")
                .Bind("$run_id", query.RunId)
                .Bind("$after", query.After ?? 0)
                .Bind("$limit", query.Limit + 1)
                .ExecuteReader();
            var entries = new List<AuditEntry>();
            var last = 0L;
            while (entries.Count < query.Limit && reader.Read())
            {
                last = reader.GetInt64(0);
                entries.Add(ReadAudit(reader, 1));
            }

            return entries.Count == query.Limit && reader.Read() ? new RunAuditPage(entries, last) : new RunAuditPage(entries, null);
        }, cancellationToken);
    }

    ValueTask<int> IRunHistoryStore.PurgeAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken) =>
        session.WriteAsync(endedBefore, static (connection, endedBefore) =>
        {
            var before = SqliteValues.Ticks(endedBefore);
            connection.Command("DELETE FROM synckit_audit WHERE run_id IN (SELECT run_id FROM synckit_runs WHERE ended_at < $before)")
                .Bind("$before", before)
                .ExecuteNonQuery();
            return connection.Command("DELETE FROM synckit_runs WHERE ended_at < $before").Bind("$before", before).ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>An audit entry from <see cref="AuditColumns"/> starting at column <paramref name="first"/>.</summary>
    private static AuditEntry ReadAudit(SqliteDataReader reader, int first) => new(
        reader.GetString(first),
        new JobId(reader.GetString(first + 1), reader.GetString(first + 2)),
        reader.GetString(first + 3),
        SqliteValues.Cursor(reader, first + 4)!,
        reader.GetString(first + 8),
        SqliteValues.Instant(reader, first + 9));

    public ValueTask<IReadOnlyDictionary<RunKind, RunCounts>> SumCountsByKindAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return session.ReadAsync(query, static (connection, query) =>
        {
            using var reader = connection.Command($"""
                    SELECT kind, sum(read_count), sum(written_count), sum(skipped_count), sum(deduplicated_count), sum(retried_count), sum(dead_lettered_count)
                    FROM synckit_runs{RunFilter(query, runId: null)} GROUP BY kind
                    """)
                .BindRunFilter(query, runId: null)
                .ExecuteReader();
            var sums = new Dictionary<RunKind, RunCounts>();
            while (reader.Read())
            {
                sums[SqliteValues.Parse<RunKind>(reader, 0)] =
                    new RunCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            }

            return (IReadOnlyDictionary<RunKind, RunCounts>)sums;
        }, cancellationToken);
    }

    // ---- Health inputs, for many jobs at once ----

    /// <summary>
    /// Two statements for the whole list, each walking it (<c>json_each</c>) and probing indexes job by job: one row per
    /// job (checkpoint, dead letters, the latest runs), then the window's sums per job and kind. Each latest run is
    /// found on <c>synckit_runs_job_kind_latest</c> and read by its run id, only the columns a health check reads.
    /// </summary>
    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.Count == 0
            ? ValueTask.FromResult<IReadOnlyList<JobHealthInputs>>([])
            : session.ReadAsync((Jobs: jobs, List: SqliteValues.JsonJobs(jobs), From: SqliteValues.Ticks(windowStart), WholeHoursFrom: FirstWholeHour(windowStart)), static (connection, s) =>
            {
                var inputs = new JobHealthInputs[s.Jobs.Count];
                using (var reader = connection.Command(LatestPerJobSql).Bind("$jobs", s.List).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        var i = reader.GetInt32(0);
                        inputs[i] = new JobHealthInputs(s.Jobs[i])
                        {
                            Checkpoint = SqliteValues.Cursor(reader, 1),
                            DeadLetters = reader.GetInt32(5),
                            HasParkedDeadLetters = reader.GetBoolean(6),
                            LatestSync = ReadSummary(reader, 7, RunKind.Sync),
                            LatestSuccess = ReadSummary(reader, 7 + SummaryWidth, RunKind.Sync),
                            LatestIncrementalReconciliation = ReadSummary(reader, 7 + (2 * SummaryWidth), RunKind.IncrementalReconciliation),
                            LatestFullReconciliation = ReadSummary(reader, 7 + (3 * SummaryWidth), RunKind.FullReconciliation),
                        };
                    }
                }

                var sums = new Dictionary<RunKind, RunCounts>?[s.Jobs.Count];
                using (var reader = connection.Command(WindowSumsSql).Bind("$jobs", s.List).Bind("$kinds", RunKindNames).Bind("$from", s.From).Bind("$hours_from", s.WholeHoursFrom).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        (sums[reader.GetInt32(0)] ??= [])[SqliteValues.Parse<RunKind>(reader, 1)] =
                            new RunCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
                    }
                }

                for (var i = 0; i < inputs.Length; i++)
                {
                    if (sums[i] is { } counts)
                    {
                        inputs[i] = inputs[i] with { WindowCounts = counts };
                    }
                }

                return (IReadOnlyList<JobHealthInputs>)inputs;
            }, cancellationToken);
    }

    private const int SummaryWidth = 8;

    // $jobs is a JSON array of [tenant, stream] pairs; i is a job's index in it.
    private const string JobList = "jobs AS (SELECT key AS i, value ->> 0 AS tenant, value ->> 1 AS stream FROM json_each($jobs))";

    private static readonly string LatestPerJobSql = $"""
        WITH {JobList}
        SELECT j.i, c.cursor_ticks, c.cursor_offset, c.cursor_id, c.cursor_progress,
               (SELECT count(*) FROM synckit_dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream),
               EXISTS (SELECT 1 FROM synckit_dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream AND d.status = 'Parked'),
               {SummaryColumns("latest_sync")}, {SummaryColumns("latest_success")}, {SummaryColumns("latest_incremental")}, {SummaryColumns("latest_full")}
        FROM jobs j
        LEFT JOIN synckit_checkpoints c ON c.tenant = j.tenant AND c.stream = j.stream
        {LatestRun("latest_sync", "r.kind = 'Sync'")}
        {LatestRun("latest_success", "r.kind = 'Sync' AND r.outcome IN ('Succeeded', 'CompletedWithDeadLetters')")}
        {LatestRun("latest_incremental", "r.kind = 'IncrementalReconciliation'")}
        {LatestRun("latest_full", "r.kind = 'FullReconciliation'")}
        """;

    // Per job and kind, the window's whole hours from synckit_run_hours (one row each) and its first, partial hour from
    // a (tenant, stream, kind, started_at) range of synckit_runs_job_kind_latest, so the read does not walk every run
    // in the window. Summing per job and kind keeps to those ranges: grouping each job's window by kind instead sorts
    // it. Pairs with no run are dropped.
    private static readonly string WindowSumsSql = $"""
        WITH {JobList},
        totals AS MATERIALIZED (
            SELECT j.i, k.value AS kind,
                   (SELECT json_array(sum(runs), sum(read_count), sum(written_count), sum(skipped_count), sum(deduplicated_count), sum(retried_count), sum(dead_lettered_count))
                    FROM (SELECT runs, read_count, written_count, skipped_count, deduplicated_count, retried_count, dead_lettered_count
                          FROM synckit_run_hours h WHERE h.tenant = j.tenant AND h.stream = j.stream AND h.kind = k.value AND h.hour >= $hours_from
                          UNION ALL
                          SELECT 1, read_count, written_count, skipped_count, deduplicated_count, retried_count, dead_lettered_count
                          FROM synckit_runs r WHERE r.tenant = j.tenant AND r.stream = j.stream AND r.kind = k.value AND r.started_at >= $from AND r.started_at < $hours_from)) AS sums
            FROM jobs j, json_each($kinds) k)
        SELECT i, kind, sums ->> 1, sums ->> 2, sums ->> 3, sums ->> 4, sums ->> 5, sums ->> 6 FROM totals WHERE sums ->> 0 > 0
        """;

    /// <summary>The first hour boundary (<see cref="SqliteSchema.TicksPerHour"/>) at or after <paramref name="windowStart"/>, in the store's ticks.</summary>
    private static long FirstWholeHour(DateTimeOffset windowStart)
    {
        var ticks = SqliteValues.Ticks(windowStart);
        var intoHour = ticks % SqliteSchema.TicksPerHour;
        return intoHour == 0 ? ticks : ticks - intoHour + SqliteSchema.TicksPerHour;
    }

    private static readonly string RunKindNames = SqliteValues.JsonArray(Enum.GetNames<RunKind>());

    private static string SummaryColumns(string alias) =>
        $"{alias}.run_id, {alias}.started_at, {alias}.ended_at, {alias}.outcome, {alias}.error, {alias}.report, {alias}.horizon_at, {alias}.horizon_held_by";

    private static string LatestRun(string alias, string filter) => $"""
        LEFT JOIN synckit_runs {alias} ON {alias}.run_id = (
            SELECT r.run_id FROM synckit_runs r WHERE r.tenant = j.tenant AND r.stream = j.stream AND {filter}
            ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1)
        """;

    /// <summary>A run summary from the <see cref="SummaryWidth"/> columns of <see cref="SummaryColumns"/> from <paramref name="first"/> on; none when its run id is null.</summary>
    private static RunSummary? ReadSummary(SqliteDataReader reader, int first, RunKind kind) =>
        reader.IsDBNull(first)
            ? null
            : new RunSummary(
                reader.GetString(first),
                kind,
                SqliteValues.Instant(reader, first + 1),
                SqliteValues.NullableInstant(reader, first + 2),
                SqliteValues.Parse<RunOutcome>(reader, first + 3),
                reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4),
                reader.IsDBNull(first + 5) ? null : reader.GetString(first + 5))
            {
                Horizon = SqliteValues.Horizon(reader, first + 6),
            };

    private ValueTask<IReadOnlyList<RunRecord>> QueryRunsAsync(RunQuery query, string? runId, CancellationToken cancellationToken) =>
        session.ReadAsync((Query: query, RunId: runId), static (connection, s) =>
        {
            using var reader = connection.Command($"SELECT {RunColumns} FROM synckit_runs{RunFilter(s.Query, s.RunId)} ORDER BY started_at DESC, run_id DESC LIMIT $limit")
                .BindRunFilter(s.Query, s.RunId)
                .Bind("$limit", Math.Max(0, s.Query.Limit))
                .ExecuteReader();
            var runs = new List<RunRecord>();
            while (reader.Read())
            {
                runs.Add(ReadRun(reader));
            }

            return (IReadOnlyList<RunRecord>)runs;
        }, cancellationToken);

    private static SqlFilter RunFilter(RunQuery query, string? runId) => new SqlFilter()
        .Where(runId is not null, "run_id = $run_id")
        .Where(query.Tenant is not null, "tenant = $tenant")
        .Where(query.Stream is not null, "stream = $stream")
        .Where(query.StartedFrom is not null, "started_at >= $started_from")
        .Where(query.StartedBefore is not null, "started_at < $started_before")
        .Where(query.Outcome is not null, "outcome = $outcome")
        .Where(query.Kind is not null, "kind = $kind");

    private static RunRecord ReadRun(SqliteDataReader reader) => new(
        reader.GetString(0),
        new JobId(reader.GetString(1), reader.GetString(2)),
        SqliteValues.Instant(reader, 3),
        SqliteValues.NullableInstant(reader, 4),
        SqliteValues.Parse<RunOutcome>(reader, 5),
        SqliteValues.Cursor(reader, 6),
        SqliteValues.Cursor(reader, 10),
        new RunCounts(reader.GetInt64(14), reader.GetInt64(15), reader.GetInt64(16), reader.GetInt64(17), reader.GetInt64(18), reader.GetInt64(19)),
        SqliteValues.ReadErrorCounts(reader.GetString(20)),
        SqliteValues.ReadJsonArray(reader.GetString(21)),
        reader.IsDBNull(22) ? null : reader.GetString(22))
    {
        Kind = SqliteValues.Parse<RunKind>(reader, 23),
        Report = reader.IsDBNull(24) ? null : reader.GetString(24),
        Horizon = SqliteValues.Horizon(reader, 25),
    };

    private static async ValueTask Discard<T>(ValueTask<T> write) => await write.ConfigureAwait(false);
}

/// <summary>Builds a <c>WHERE</c> clause from the filters that are set; each combination is its own prepared statement.</summary>
internal sealed class SqlFilter
{
    private readonly List<string> _conditions = [];

    public SqlFilter Where(bool applies, string condition)
    {
        if (applies)
        {
            _conditions.Add(condition);
        }

        return this;
    }

    public override string ToString() => _conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", _conditions);
}

internal static class JobBinding
{
    public static SqliteCommand BindJob(this SqliteCommand command, JobId job) =>
        command.Bind("$tenant", job.Tenant).Bind("$stream", job.Stream);

    /// <summary>Binds the parameters of a run query's filter (unused ones are ignored by the statement).</summary>
    public static SqliteCommand BindRunFilter(this SqliteCommand command, RunQuery query, string? runId) =>
        command
            .Bind("$run_id", runId)
            .Bind("$tenant", query.Tenant)
            .Bind("$stream", query.Stream)
            .Bind("$started_from", SqliteValues.Ticks(query.StartedFrom))
            .Bind("$started_before", SqliteValues.Ticks(query.StartedBefore))
            .Bind("$outcome", query.Outcome is { } outcome ? SqliteValues.Name(outcome) : null)
            .Bind("$kind", query.Kind is { } kind ? SqliteValues.Name(kind) : null);
}
