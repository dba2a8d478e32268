namespace SyncKit.Postgres.Internal;

/// <summary>Every statement the store runs, built once for its schema. Parameters are positional (<c>$n</c>).</summary>
internal sealed class PostgresSql(string schema)
{
    public string LockMigrations { get; } = "SELECT pg_advisory_xact_lock($1)";

    public string CreateSchemaAndReadVersion { get; } = $"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
        SELECT coalesce(max(version), 0) FROM {schema}.schema_version
        """;

    public string Migration(int version) =>
        PostgresSchema.Migrations[version - 1].Replace("{schema}", schema, StringComparison.Ordinal) +
        $"\n;INSERT INTO {schema}.schema_version (version) VALUES ({version})";

    // Checkpoints: $1 tenant, $2 stream.
    public string GetCheckpoint { get; } = $"SELECT cursor::text FROM {schema}.checkpoints WHERE tenant = $1 AND stream = $2";

    public string SaveCheckpoint { get; } = $"""
        INSERT INTO {schema}.checkpoints (tenant, stream, cursor, updated_at) VALUES ($1, $2, $3::jsonb, $4)
        ON CONFLICT (tenant, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at
        """;

    // A job's checkpoint row exists from its first grant on and carries the newest grant's fencing token, so a row
    // without a cursor means "no checkpoint"; deleting clears the cursor and keeps the token.
    public string DeleteCheckpoint { get; } = $"UPDATE {schema}.checkpoints SET cursor = NULL, updated_at = $3 WHERE tenant = $1 AND stream = $2";

    // Fenced writes: $1 tenant, $2 stream, $3 owner, $4 fencing token, then the write's own parameters. Each writes the
    // job's checkpoint row only where it still carries the token, which locks the row until the commit ends (a
    // takeover, which writes the new token there, waits for it); finding a newer token raises SQLSTATE SK001
    // instead, so nothing sent after it in the batch (the COMMIT) runs.

    // $5 cursor, $6 now.
    public string SaveCheckpointFenced { get; } = Fenced(schema, """
        INSERT INTO {schema}.checkpoints AS c (tenant, stream, cursor, updated_at, fencing_token) VALUES ($1, $2, $5::jsonb, $6, $4)
        ON CONFLICT (tenant, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at
        WHERE c.fencing_token = $4
        """);

    // $5 now.
    public string DeleteCheckpointFenced { get; } = Fenced(schema, """
        UPDATE {schema}.checkpoints SET cursor = NULL, updated_at = $5 WHERE tenant = $1 AND stream = $2 AND fencing_token = $4
        """);

    // A transaction that writes no checkpoint: the same check and lock, changing nothing.
    public string AssertLease { get; } = Fenced(schema, """
        UPDATE {schema}.checkpoints SET fencing_token = $4 WHERE tenant = $1 AND stream = $2 AND fencing_token = $4
        """);

    // Fails when PostgreSQL already aborted the transaction (a statement in it failed): sent before a COMMIT that has no
    // other statement before it, because COMMIT answers an aborted transaction with ROLLBACK, not with an error.
    public string AssertNotAborted { get; } = "SELECT 1";

    public string Commit { get; } = "COMMIT";

    // Dedup: $1 scope, $2 keys (distinct), $3 now, $4 held until. Answers only the keys the statement did not
    // newly acquire, as (key, status): 1 reacquired, 2 already completed, 3 held elsewhere; every other key was
    // acquired. A batch of new keys so costs the insert alone and sends nothing back. Only keys the insert did not
    // take are looked up (one index probe each); a key another transaction inserted meanwhile is invisible to the
    // probe and answers "held elsewhere".
    public string ReserveDedup { get; } = $"""
        WITH reserved AS (
            INSERT INTO {schema}.dedup AS d (scope, key, held_until) SELECT $1, key, $4 FROM unnest($2::text[]) AS i(key)
            ON CONFLICT (scope, key) DO UPDATE SET held_until = EXCLUDED.held_until
            WHERE d.completed_at IS NULL AND d.held_until <= $3
            RETURNING d.key, d.xmax = 0 AS inserted
        )
        SELECT key, 1 FROM reserved WHERE NOT inserted
        UNION ALL
        SELECT i.key, CASE WHEN (SELECT d.completed_at IS NOT NULL FROM {schema}.dedup d WHERE d.scope = $1 AND d.key = i.key) THEN 2 ELSE 3 END
        FROM unnest($2::text[]) AS i(key)
        WHERE i.key NOT IN (SELECT key FROM reserved)
        """;

    // $1 scope, $2 keys, $3 now.
    public string CompleteDedup { get; } = $"""
        INSERT INTO {schema}.dedup (scope, key, held_until, completed_at) SELECT DISTINCT $1, key, $3::timestamptz, $3::timestamptz FROM unnest($2::text[]) AS i(key)
        ON CONFLICT (scope, key) DO UPDATE SET held_until = EXCLUDED.held_until, completed_at = EXCLUDED.completed_at
        """;

    // $1 scope, $2 keys.
    public string ReleaseDedup { get; } = $"DELETE FROM {schema}.dedup WHERE scope = $1 AND key = ANY($2::text[]) AND completed_at IS NULL";

    // $1 scope, $2 keys.
    public string GetCompletedDedup { get; } = $"SELECT key FROM {schema}.dedup WHERE scope = $1 AND key = ANY($2::text[]) AND completed_at IS NOT NULL";

    // $1 completed before, $2 now.
    // $1 completed before, $2 now, $3 limit. One batch; keys a reservation holds locked are left for the next pass.
    public string PurgeDedup { get; } = $"""
        DELETE FROM {schema}.dedup d USING (
            SELECT scope, key FROM {schema}.dedup
            WHERE (completed_at IS NOT NULL AND completed_at < $1) OR (completed_at IS NULL AND held_until <= $2)
            LIMIT $3 FOR UPDATE SKIP LOCKED) old
        WHERE d.scope = old.scope AND d.key = old.key
        """;

    // Dead letters. Writes lock the rows they decide on (LockDeadLetters), decide in C# (positions order as
    // Cursor.CompareTo does, which SQL cannot), then write only rows they locked or found absent.
    private const string DeadLetterColumns = """
        tenant, stream, record_key, position::text, payload, error_class, last_error, attempts,
        first_failed_at, last_failed_at, next_attempt_at, status
        """;

    // One array per column, one element per entry (distinct by job and key).
    private const string DeadLetterRows = """
        unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[], $8::integer[],
               $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::text[])
        """;

    // $1 tenants, $2 streams, $3 keys. In key order, so two writers lock overlapping rows in the same order.
    public string LockDeadLetters { get; } = $"""
        SELECT {DeadLetterColumns} FROM {schema}.dead_letters
        WHERE (tenant, stream, record_key) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
        ORDER BY tenant, stream, record_key
        FOR UPDATE
        """;

    // Rows that were absent when locked; answers the keys inserted (one another transaction inserted since is left alone).
    public string InsertDeadLetters { get; } = $"""
        INSERT INTO {schema}.dead_letters (tenant, stream, record_key, position, payload, error_class, last_error, attempts,
                                           first_failed_at, last_failed_at, next_attempt_at, status)
        SELECT * FROM {DeadLetterRows}
        ON CONFLICT (tenant, stream, record_key) DO NOTHING
        RETURNING tenant, stream, record_key
        """;

    // Rows this transaction locked.
    public string ReplaceDeadLetters { get; } = $"""
        UPDATE {schema}.dead_letters d SET
            position = u.position, payload = u.payload, error_class = u.error_class, last_error = u.last_error,
            attempts = u.attempts, first_failed_at = u.first_failed_at, last_failed_at = u.last_failed_at,
            next_attempt_at = u.next_attempt_at, status = u.status
        FROM {DeadLetterRows} AS u(tenant, stream, record_key, position, payload, error_class, last_error, attempts,
                                   first_failed_at, last_failed_at, next_attempt_at, status)
        WHERE d.tenant = u.tenant AND d.stream = u.stream AND d.record_key = u.record_key
        """;

    // $1 tenant, $2 stream, $3 keys (of rows this transaction locked).
    public string RemoveDeadLetters { get; } = $"DELETE FROM {schema}.dead_letters WHERE tenant = $1 AND stream = $2 AND record_key = ANY($3::text[])";

    // $1 tenant?, $2 stream?, $3 status?, $4 due at or before?, $5 limit.
    public string ListDeadLetters { get; } = $"""
        SELECT {DeadLetterColumns}
        FROM {schema}.dead_letters
        WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR stream = $2) AND ($3::text IS NULL OR status = $3)
          AND ($4::timestamptz IS NULL OR (status = 'Pending' AND next_attempt_at <= $4))
        ORDER BY next_attempt_at NULLS LAST, record_key
        LIMIT $5
        """;

    // $1 tenant, $2 stream.
    public string CountDeadLetters { get; } = $"SELECT count(*) FROM {schema}.dead_letters WHERE tenant = $1 AND stream = $2";

    // Runs: the columns of RunRecord in order, $1 run id .. $17 error, $18 kind, $19 report, $20 horizon at, $21 held by.
    public string SaveRun { get; } = $"""
        INSERT INTO {schema}.runs (run_id, tenant, stream, started_at, ended_at, outcome, cursor_from, cursor_to, read, written,
                                   skipped, deduplicated, retried, dead_lettered, errors_by_class, sample_record_keys, error, kind, report,
                                   horizon_at, horizon_held_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15::jsonb, $16, $17, $18, $19, $20, $21)
        ON CONFLICT (run_id) DO UPDATE SET
            tenant = EXCLUDED.tenant, stream = EXCLUDED.stream, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
            outcome = EXCLUDED.outcome, cursor_from = EXCLUDED.cursor_from, cursor_to = EXCLUDED.cursor_to, read = EXCLUDED.read,
            written = EXCLUDED.written, skipped = EXCLUDED.skipped, deduplicated = EXCLUDED.deduplicated, retried = EXCLUDED.retried,
            dead_lettered = EXCLUDED.dead_lettered, errors_by_class = EXCLUDED.errors_by_class,
            sample_record_keys = EXCLUDED.sample_record_keys, error = EXCLUDED.error, kind = EXCLUDED.kind, report = EXCLUDED.report,
            horizon_at = EXCLUDED.horizon_at, horizon_held_by = EXCLUDED.horizon_held_by
        """;

    private const string RunColumns = """
        run_id, tenant, stream, started_at, ended_at, outcome, cursor_from::text, cursor_to::text, read, written,
        skipped, deduplicated, retried, dead_lettered, errors_by_class::text, sample_record_keys, error, kind, report, horizon_at, horizon_held_by
        """;

    // $1 run id.
    public string GetRun { get; } = $"SELECT {RunColumns} FROM {schema}.runs WHERE run_id = $1";

    // $1 tenant?, $2 stream?, $3 started from?, $4 started before?, $5 outcome?, $6 kind?, $7 limit.
    public string QueryRuns { get; } = $"""
        SELECT {RunColumns} FROM {schema}.runs
        WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR stream = $2)
          AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::timestamptz IS NULL OR started_at < $4)
          AND ($5::text IS NULL OR outcome = $5) AND ($6::text IS NULL OR kind = $6)
        ORDER BY started_at DESC, run_id DESC
        LIMIT $7
        """;

    // The same filter as QueryRuns: $1 tenant?, $2 stream?, $3 started from?, $4 started before?, $5 outcome?, $6 kind?.
    public string SumRunCountsByKind { get; } = $"""
        SELECT kind, sum(read)::bigint, sum(written)::bigint, sum(skipped)::bigint, sum(deduplicated)::bigint, sum(retried)::bigint, sum(dead_lettered)::bigint
        FROM {schema}.runs
        WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR stream = $2)
          AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::timestamptz IS NULL OR started_at < $4)
          AND ($5::text IS NULL OR outcome = $5) AND ($6::text IS NULL OR kind = $6)
        GROUP BY kind
        """;

    // Health inputs for many jobs: $1 tenants, $2 streams, one element per job; the first column is the job's index
    // (from 1). One row per job: its checkpoint, dead letters and latest runs, each latest run a LATERAL probe of
    // runs_job_kind_started (only the columns a health check reads).
    public string LatestPerJob { get; } = $"""
        SELECT j.i, c.cursor::text,
               (SELECT count(*) FROM {schema}.dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream),
               EXISTS (SELECT FROM {schema}.dead_letters d WHERE d.tenant = j.tenant AND d.stream = j.stream AND d.status = 'Parked'),
               {SummaryColumns("latest_sync")}, {SummaryColumns("latest_success")}, {SummaryColumns("latest_incremental")}, {SummaryColumns("latest_full")}
        FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS j(tenant, stream, i)
        LEFT JOIN {schema}.checkpoints c ON c.tenant = j.tenant AND c.stream = j.stream
        {LatestRun(schema, "latest_sync", "r.kind = 'Sync'")}
        {LatestRun(schema, "latest_success", "r.kind = 'Sync' AND r.outcome IN ('Succeeded', 'CompletedWithDeadLetters')")}
        {LatestRun(schema, "latest_incremental", "r.kind = 'IncrementalReconciliation'")}
        {LatestRun(schema, "latest_full", "r.kind = 'FullReconciliation'")}
        """;

    // $1 tenants, $2 streams, $3 window start. Each job's runs in the window (a runs_job_started range), summed per kind.
    public string WindowSumsPerJob { get; } = $"""
        SELECT j.i, s.kind, s.read, s.written, s.skipped, s.deduplicated, s.retried, s.dead_lettered
        FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS j(tenant, stream, i)
        CROSS JOIN LATERAL (
            SELECT kind, sum(read)::bigint AS read, sum(written)::bigint AS written, sum(skipped)::bigint AS skipped,
                   sum(deduplicated)::bigint AS deduplicated, sum(retried)::bigint AS retried, sum(dead_lettered)::bigint AS dead_lettered
            FROM {schema}.runs r WHERE r.tenant = j.tenant AND r.stream = j.stream AND r.started_at >= $3
            GROUP BY kind) s
        """;

    // One array per column.
    public string AppendAudit { get; } = $"""
        INSERT INTO {schema}.audit (run_id, tenant, stream, record_key, position, action, at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::timestamptz[])
        """;

    // $1 tenant, $2 stream, $3 record key.
    public string GetAudit { get; } = $"""
        SELECT run_id, position::text, action, at FROM {schema}.audit
        WHERE tenant = $1 AND stream = $2 AND record_key = $3 ORDER BY id
        """;

    // $1 run id, $2 after this id, $3 limit. Keyset paging on audit_run_id: each page is an index range, however deep.
    public string GetRunAudit { get; } = $"""
        SELECT id, tenant, stream, record_key, position::text, action, at FROM {schema}.audit
        WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3
        """;

    // $1 ended before, $2 limit. One batch, the longest-ended first by runs_ended; rows another host is purging are skipped.
    public string PurgeRuns { get; } = $"""
        WITH old AS (
                DELETE FROM {schema}.runs WHERE run_id IN (
                    SELECT run_id FROM {schema}.runs WHERE ended_at < $1 ORDER BY ended_at LIMIT $2 FOR UPDATE SKIP LOCKED)
                RETURNING run_id),
             gone AS (DELETE FROM {schema}.audit WHERE run_id IN (SELECT run_id FROM old))
        SELECT count(*) FROM old
        """;

    // $1 recorded before, $2 limit. The oldest entries by id (the primary key): no index on `at` for every entry to pay for.
    public string PurgeAudit { get; } = $"""
        DELETE FROM {schema}.audit WHERE id IN (SELECT id FROM {schema}.audit ORDER BY id LIMIT $2) AND at < $1
        """;

    // Leases. $1 tenants, $2 streams (the candidates).
    public string EnsureLeaseRows { get; } = $"""
        INSERT INTO {schema}.leases (tenant, stream) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
        """;

    // $1 tenants, $2 streams, $3 owner, $4 duration, $5 max count. Free or expired rows, oldest expiry first;
    // rows another transaction is claiming are skipped rather than waited for. The new token is written onto each
    // job's checkpoint row in the same statement: a stale owner committing at that moment holds the row, so the
    // grant waits for that commit, and every fenced write after it finds the newer token.
    public string AcquireLeases { get; } = $"""
        WITH granted AS (
            UPDATE {schema}.leases l
            SET owner = $3, fencing_token = l.fencing_token + 1, acquired_at = now(), expires_at = now() + $4::interval
            FROM (
                SELECT tenant, stream FROM {schema}.leases
                WHERE (tenant, stream) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                  AND (owner IS NULL OR expires_at <= now())
                ORDER BY expires_at, tenant, stream
                LIMIT $5
                FOR UPDATE SKIP LOCKED
            ) free
            WHERE l.tenant = free.tenant AND l.stream = free.stream
            RETURNING l.tenant, l.stream, l.fencing_token, l.expires_at
        ), fenced AS (
            INSERT INTO {schema}.checkpoints (tenant, stream, updated_at, fencing_token)
            SELECT tenant, stream, now(), fencing_token FROM granted
            ON CONFLICT (tenant, stream) DO UPDATE SET fencing_token = EXCLUDED.fencing_token
        )
        SELECT tenant, stream, fencing_token, expires_at FROM granted
        """;

    // $1 tenant, $2 stream, $3 owner, $4 token, $5 duration.
    public string RenewLease { get; } = $"""
        UPDATE {schema}.leases SET expires_at = now() + $5::interval
        WHERE tenant = $1 AND stream = $2 AND owner = $3 AND fencing_token = $4
        RETURNING expires_at
        """;

    // $1 tenant, $2 stream, $3 owner, $4 token.
    public string ReleaseLease { get; } = $"""
        UPDATE {schema}.leases SET owner = NULL, expires_at = '-infinity'
        WHERE tenant = $1 AND stream = $2 AND owner = $3 AND fencing_token = $4
        """;

    /// <summary>The columns of a latest run that <see cref="PostgresStateWriter"/> reads as a run summary, in order.</summary>
    public const int SummaryWidth = 8;

    private static string SummaryColumns(string alias) =>
        $"{alias}.run_id, {alias}.started_at, {alias}.ended_at, {alias}.outcome, {alias}.error, {alias}.report, {alias}.horizon_at, {alias}.horizon_held_by";

    private static string LatestRun(string schema, string alias, string filter) => $"""
        LEFT JOIN LATERAL (
            SELECT r.run_id, r.started_at, r.ended_at, r.outcome, r.error, r.report, r.horizon_at, r.horizon_held_by FROM {schema}.runs r
            WHERE r.tenant = j.tenant AND r.stream = j.stream AND {filter}
            ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) {alias} ON true
        """;

    private static string Fenced(string schema, string write) => $"""
        WITH written AS ({write.Replace("{schema}", schema, StringComparison.Ordinal)} RETURNING 1)
        SELECT {schema}.reject_stale_commit($1, $2, $3, $4) WHERE NOT EXISTS (SELECT FROM written)
        """;
}
