using System.Data.Common;
using System.Text.Json;

namespace SyncKit.Samples.Vomo.Crm.Internal;

/// <summary>
/// What differs between the CRM's two databases in the statements they share: how a time is stored (SQLite keeps
/// text, PostgreSQL <c>timestamptz</c>), how JSON text becomes a JSON column (<c>jsonb</c> on PostgreSQL), and how a
/// transaction keeps a row it read to itself.
/// Both accept <c>@name</c> parameters and <c>ON CONFLICT ... DO NOTHING</c>, so the rest is written once.
/// </summary>
internal sealed class CrmDialect
{
    private readonly Func<DateTimeOffset, object> _time;

    private CrmDialect(Func<DateTimeOffset, object> time, string jsonCast, string lockRow, ColumnTypes types)
    {
        _time = time;
        JsonCast = jsonCast;
        LockRow = lockRow;
        CreateTables = CreateTablesSql(types);
    }

    // A SQLite write transaction (BEGIN IMMEDIATE) holds the whole database; PostgreSQL locks the row, and another
    // transaction passes over it rather than wait.
    public static CrmDialect Sqlite { get; } = new(t => CrmFormat.SourceTime(t), string.Empty, string.Empty, new("TEXT", "TEXT", "BOOLEAN", "TEXT", "INTEGER", "INTEGER"));

    public static CrmDialect Postgres { get; } = new(t => t.ToUniversalTime(), "::jsonb", " FOR UPDATE SKIP LOCKED", new("text", "timestamptz", "boolean", "jsonb", "integer", "bigint"));

    /// <summary>The CRM's tables (samples/SyncKit.Samples.Vomo/README.md, "Destination schema"), the groups push's and the welcome ledger, in this database's types; each created only if missing.</summary>
    public string CreateTables { get; }

    /// <summary>What follows a parameter that holds JSON text written to a JSON column.</summary>
    public string JsonCast { get; }

    /// <summary>What ends a <c>SELECT</c> of one row that the write transaction running it keeps until it ends.</summary>
    public string LockRow { get; }

    /// <summary>Adds a parameter holding <paramref name="value"/>.</summary>
    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Reads a time back: PostgreSQL's <c>timestamptz</c> arrives in UTC, SQLite's text as written.</summary>
    public static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        reader.GetValue(ordinal) is DateTime utc
            ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))
            : CrmFormat.ParseSourceTime(reader.GetString(ordinal));

    /// <summary>Adds a parameter holding a time, as this database stores times.</summary>
    public void AddTime(DbCommand command, string name, DateTimeOffset value) => Add(command, name, _time(value));

    /// <summary>A command that runs in <paramref name="transaction"/>.</summary>
    public static DbCommand Command(DbTransaction transaction, string sql)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// Inserts a welcome into a table keyed by its idempotency key (<c>crm_outbox</c>, <c>vomo_welcomes</c>), with
    /// <paramref name="at"/> in <paramref name="timeColumn"/>; a welcome the table already holds is left as it is.
    /// </summary>
    public async Task InsertWelcomeAsync(DbTransaction transaction, string table, string timeColumn, WelcomeNotification welcome, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var insert = Command(transaction, $"""
            INSERT INTO {table} (idempotency_key, tenant, payload, {timeColumn}) VALUES (@key, @tenant, @payload{JsonCast}, @at)
            ON CONFLICT (idempotency_key) DO NOTHING
            """);
        Add(insert, "@key", welcome.IdempotencyKey);
        Add(insert, "@tenant", welcome.Tenant);
        Add(insert, "@payload", JsonSerializer.Serialize(welcome, CrmJsonContext.Default.WelcomeNotification));
        AddTime(insert, "@at", at);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string CreateTablesSql(ColumnTypes t) => $"""
        CREATE TABLE IF NOT EXISTS crm_contacts (
            tenant {t.Text} NOT NULL, external_id {t.Text} NOT NULL, email {t.Text}, first_name {t.Text}, last_name {t.Text},
            phone {t.Text}, status {t.Text}, source_updated_at {t.Time} NOT NULL, deleted_at {t.Time} NULL,
            PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_projects (
            tenant {t.Text} NOT NULL, external_id {t.Text} NOT NULL, name {t.Text}, description {t.Text}, project_type {t.Text},
            published {t.Flag}, active {t.Flag}, source_updated_at {t.Time} NOT NULL, deleted_at {t.Time} NULL,
            PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_groups (
            tenant {t.Text} NOT NULL, external_id {t.Text} NOT NULL, name {t.Text}, description {t.Text},
            parent_external_id {t.Text} NULL, member_external_ids {t.Json} NOT NULL, source_updated_at {t.Time} NOT NULL,
            deleted_at {t.Time} NULL, PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_outbox (
            idempotency_key {t.Text} PRIMARY KEY, tenant {t.Text} NOT NULL, payload {t.Json} NOT NULL, created_at {t.Time} NOT NULL);
        CREATE TABLE IF NOT EXISTS vomo_group_push (
            tenant {t.Text} NOT NULL, name {t.Text} NOT NULL, first_attempt_at {t.Time} NOT NULL, group_id {t.BigInteger} NULL,
            PRIMARY KEY (tenant, name));
        CREATE TABLE IF NOT EXISTS vomo_welcomes (
            idempotency_key {t.Text} PRIMARY KEY, tenant {t.Text} NOT NULL, payload {t.Json} NOT NULL, due_at {t.Time} NOT NULL,
            sent_at {t.Time} NULL, started {t.Integer} NOT NULL DEFAULT 0, attempts {t.Integer} NOT NULL DEFAULT 0, last_error {t.Text} NULL,
            rejected_at {t.Time} NULL);
        CREATE INDEX IF NOT EXISTS vomo_welcomes_due ON vomo_welcomes (tenant, due_at) WHERE sent_at IS NULL;
        """;

    /// <summary>The column types one database gives the CRM's kinds of value.</summary>
    private sealed record ColumnTypes(string Text, string Time, string Flag, string Json, string Integer, string BigInteger);
}
