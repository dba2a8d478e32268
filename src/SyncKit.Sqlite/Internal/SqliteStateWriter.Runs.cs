using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary><see cref="IRunHistoryStore"/>: runs, their audit entries and their counts.</summary>
internal sealed partial class SqliteStateWriter
{
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

    // One batch is one short write: the oldest-ended runs by synckit_runs_ended, their audit entries by synckit_audit_run,
    // a few runs at a time, ending early when a sync waits for the writer so its commit waits for a few rows, not a batch.
    ValueTask<int> IRunHistoryStore.PurgeAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return CheckpointedAsync(session.WriteAsync((Session: session, Before: SqliteValues.Ticks(endedBefore), Limit: limit), static (connection, s) =>
            PurgeInSteps(s.Session, s.Limit, step =>
            {
                // The two statements pick the same runs, for nothing writes between them.
                const string Step = "SELECT run_id FROM synckit_runs WHERE ended_at < $before ORDER BY ended_at LIMIT $step";
                connection.Command($"DELETE FROM synckit_audit WHERE run_id IN ({Step})").Bind("$before", s.Before).Bind("$step", step).ExecuteNonQuery();
                return connection.Command($"DELETE FROM synckit_runs WHERE run_id IN ({Step})").Bind("$before", s.Before).Bind("$step", step).ExecuteNonQuery();
            }), cancellationToken), cancellationToken);
    }

    // The oldest entries by seq (the rowid, so no index is read): the trail is purged from its start without an index on
    // `at` that every appended entry would pay for.
    ValueTask<int> IRunHistoryStore.PurgeAuditAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return CheckpointedAsync(session.WriteAsync((Session: session, Before: SqliteValues.Ticks(recordedBefore), Limit: limit), static (connection, s) =>
        {
            // The entries looked at are the oldest `limit` ones, whatever each step deletes, as the contract says.
            var first = connection.Command("SELECT coalesce(min(seq), 0) FROM synckit_audit").ExecuteScalar() is long seq ? seq : 0;
            return PurgeInSteps(s.Session, s.Limit, step =>
                connection.Command("DELETE FROM synckit_audit WHERE seq IN (SELECT seq FROM synckit_audit WHERE seq < $end AND at < $before ORDER BY seq LIMIT $step)")
                    .Bind("$end", first + s.Limit)
                    .Bind("$before", s.Before)
                    .Bind("$step", step)
                    .ExecuteNonQuery());
        }, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// A purge's batch, then a passive checkpoint when it deleted anything: its pages go from the log into the database
    /// at its cost, not at the cost of the sync whose small commit would cross the log's checkpoint threshold next.
    /// </summary>
    private async ValueTask<int> CheckpointedAsync(ValueTask<int> purge, CancellationToken cancellationToken)
    {
        var deleted = await purge.ConfigureAwait(false);
        if (deleted > 0)
        {
            await session.CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> rows in steps of a few rows, and stops early when a step deletes less than
    /// it asked or another writer of the process waits.
    /// </summary>
    private static int PurgeInSteps(ISqliteSession session, int limit, Func<int, int> deleteStep)
    {
        const int StepRows = 16;
        var deleted = 0;
        while (deleted < limit)
        {
            var step = Math.Min(StepRows, limit - deleted);
            var done = deleteStep(step);
            deleted += done;
            if (done < step || session.WritersWaiting)
            {
                break;
            }
        }

        return deleted;
    }

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
}
