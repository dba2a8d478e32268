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

    private CrmDialect(Func<DateTimeOffset, object> time, string jsonCast, string lockRow)
    {
        _time = time;
        JsonCast = jsonCast;
        LockRow = lockRow;
    }

    // A SQLite write transaction (BEGIN IMMEDIATE) holds the whole database; PostgreSQL locks the row, and another
    // transaction passes over it rather than wait.
    public static CrmDialect Sqlite { get; } = new(t => CrmFormat.SourceTime(t), string.Empty, string.Empty);

    public static CrmDialect Postgres { get; } = new(t => t.ToUniversalTime(), "::jsonb", " FOR UPDATE SKIP LOCKED");

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
}
