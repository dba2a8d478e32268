namespace SyncKit.Postgres.Internal;

/// <summary>
/// The store's tables, as numbered migrations. A migration is never edited once released: changes go in a
/// new one, so every schema version means the same tables everywhere.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The migrations in order; migration <c>i</c> brings the schema to version <c>i + 1</c>. <c>{schema}</c> is the quoted schema name.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE {schema}.checkpoints (
            tenant      text COLLATE "C" NOT NULL,
            stream      text COLLATE "C" NOT NULL,
            cursor      jsonb NOT NULL,
            updated_at  timestamptz NOT NULL,
            PRIMARY KEY (tenant, stream));

        CREATE TABLE {schema}.dedup (
            scope         text COLLATE "C" NOT NULL,
            key           text COLLATE "C" NOT NULL,
            held_until    timestamptz NOT NULL,
            completed_at  timestamptz,
            PRIMARY KEY (scope, key));

        CREATE TABLE {schema}.dead_letters (
            tenant           text COLLATE "C" NOT NULL,
            stream           text COLLATE "C" NOT NULL,
            record_key       text COLLATE "C" NOT NULL,
            position         jsonb NOT NULL,
            payload          text NOT NULL,
            error_class      text NOT NULL,
            last_error       text NOT NULL,
            attempts         integer NOT NULL,
            first_failed_at  timestamptz NOT NULL,
            last_failed_at   timestamptz NOT NULL,
            next_attempt_at  timestamptz,
            status           text NOT NULL,
            PRIMARY KEY (tenant, stream, record_key));
        CREATE INDEX dead_letters_due ON {schema}.dead_letters (next_attempt_at, record_key);

        CREATE TABLE {schema}.runs (
            run_id              text COLLATE "C" PRIMARY KEY,
            tenant              text COLLATE "C" NOT NULL,
            stream              text COLLATE "C" NOT NULL,
            started_at          timestamptz NOT NULL,
            ended_at            timestamptz,
            outcome             text NOT NULL,
            cursor_from         jsonb,
            cursor_to           jsonb,
            read                bigint NOT NULL,
            written             bigint NOT NULL,
            skipped             bigint NOT NULL,
            deduplicated        bigint NOT NULL,
            retried             bigint NOT NULL,
            dead_lettered       bigint NOT NULL,
            errors_by_class     jsonb NOT NULL,
            sample_record_keys  text[] NOT NULL,
            error               text);
        CREATE INDEX runs_job_started ON {schema}.runs (tenant, stream, started_at DESC);
        CREATE INDEX runs_ended ON {schema}.runs (ended_at);

        CREATE TABLE {schema}.audit (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id      text COLLATE "C" NOT NULL,
            tenant      text COLLATE "C" NOT NULL,
            stream      text COLLATE "C" NOT NULL,
            record_key  text COLLATE "C" NOT NULL,
            position    jsonb NOT NULL,
            action      text NOT NULL,
            at          timestamptz NOT NULL);
        CREATE INDEX audit_record ON {schema}.audit (tenant, stream, record_key, id);
        CREATE INDEX audit_run ON {schema}.audit (run_id);

        -- One row per job ever leased. The fencing token grows with every grant and never goes back.
        CREATE TABLE {schema}.leases (
            tenant         text COLLATE "C" NOT NULL,
            stream         text COLLATE "C" NOT NULL,
            owner          text,
            fencing_token  bigint NOT NULL DEFAULT 0,
            acquired_at    timestamptz,
            expires_at     timestamptz NOT NULL DEFAULT '-infinity',
            PRIMARY KEY (tenant, stream));

        -- Called last in every fenced transaction. FOR SHARE holds the lease row until the commit ends, so a
        -- takeover (an UPDATE of the row) cannot slip in between this check and the commit.
        CREATE FUNCTION {schema}.assert_lease(p_tenant text, p_stream text, p_owner text, p_token bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
            current_owner text;
            current_token bigint;
        BEGIN
            SELECT owner, fencing_token INTO current_owner, current_token
            FROM {schema}.leases WHERE tenant = p_tenant AND stream = p_stream FOR SHARE;
            IF current_token IS DISTINCT FROM p_token OR current_owner IS DISTINCT FROM p_owner THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'SK001',
                    MESSAGE = format('The lease of %s/%s is held by %s with fencing token %s; this commit carries token %s of %s and is rejected.',
                        p_tenant, p_stream, coalesce(current_owner, 'nobody'), coalesce(current_token::text, 'none'), p_token, p_owner);
            END IF;
        END $$;
        """,
        """
        ALTER TABLE {schema}.runs ADD COLUMN kind text NOT NULL DEFAULT 'Sync', ADD COLUMN report text;
        CREATE INDEX runs_job_kind_started ON {schema}.runs (tenant, stream, kind, started_at DESC);
        """,
        """
        -- The fencing token moves onto the row it guards. Every grant writes the new token onto the job's checkpoint
        -- row (creating it, with no cursor, if needed), and a fenced commit writes that row only where the token is
        -- still its own: the check is the write, and the row lock it takes makes a takeover wait for the commit.
        ALTER TABLE {schema}.checkpoints
            ALTER COLUMN cursor DROP NOT NULL,
            ADD COLUMN fencing_token bigint NOT NULL DEFAULT 0;
        INSERT INTO {schema}.checkpoints (tenant, stream, cursor, updated_at, fencing_token)
        SELECT tenant, stream, NULL, now(), fencing_token FROM {schema}.leases WHERE fencing_token > 0
        ON CONFLICT (tenant, stream) DO UPDATE SET fencing_token = EXCLUDED.fencing_token;
        DROP FUNCTION {schema}.assert_lease(text, text, text, bigint);

        -- Called only when a fenced write found a newer token: names the current holder and aborts the transaction.
        CREATE FUNCTION {schema}.reject_stale_commit(p_tenant text, p_stream text, p_owner text, p_token bigint) RETURNS void
        LANGUAGE plpgsql AS $$
        DECLARE
            current_owner text;
            current_token bigint;
        BEGIN
            SELECT owner, fencing_token INTO current_owner, current_token
            FROM {schema}.leases WHERE tenant = p_tenant AND stream = p_stream;
            RAISE EXCEPTION USING
                ERRCODE = 'SK001',
                MESSAGE = format('The lease of %s/%s is held by %s with fencing token %s; this commit carries token %s of %s and is rejected.',
                    p_tenant, p_stream, coalesce(current_owner, 'nobody'), coalesce(current_token::text, 'none'), p_token, p_owner);
        END $$;
        """,
        """
        -- A run's audit trail is read a page at a time in append order: (run_id, id) makes each page one index range.
        -- It serves every run_id lookup, so it replaces audit_run.
        CREATE INDEX audit_run_id ON {schema}.audit (run_id, id);
        DROP INDEX {schema}.audit_run;
        """,
        """
        -- The source's visibility horizon as of a run's last page, and what held it back: health measures lag from it
        -- and names an open transaction that stalls it.
        ALTER TABLE {schema}.runs ADD COLUMN horizon_at timestamptz, ADD COLUMN horizon_held_by text;
        """,
    ];

    /// <summary>The schema version this code writes.</summary>
    public static int LatestVersion => Migrations.Count;

    /// <summary>The SQLSTATE <c>reject_stale_commit</c> raises.</summary>
    public const string LeaseLostSqlState = "SK001";
}
