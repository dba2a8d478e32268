using Npgsql;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// The customer's CRM tables (samples/SyncKit.Samples.Vomo/README.md, "Destination schema") on PostgreSQL, beside SyncKit's state in the same database, with native
/// types: <c>timestamptz</c> times, <c>boolean</c> flags, <c>jsonb</c> member lists and payloads; the groups
/// push's own <c>vomo_group_push</c>; and <c>vomo_welcomes</c>, the ledger of welcomes delivered to a webhook after
/// their batch commits. They are created in the connection's default schema (its <c>search_path</c>).
/// </summary>
public static class PostgresCrmSchema
{
    // Instances starting together take turns: CREATE TABLE IF NOT EXISTS is not safe to race on PostgreSQL.
    private static readonly string Sql = "SELECT pg_advisory_xact_lock(hashtextextended('synckit.samples.vomo.crm', 0));\n" + CrmDialect.Postgres.CreateTables;

    /// <summary>Creates the tables that do not exist yet; instances starting together wait for each other.</summary>
    /// <param name="connectionString">The Npgsql connection string of the state store's database.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(Sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The upsert of <paramref name="table"/>: insert, or replace the row (and clear a soft delete) unless it holds a
    /// newer <c>source_updated_at</c>; with <paramref name="overwrite"/>, a force repair's, whatever it holds.
    /// $1 tenant, $2 external id, then the table's columns, then the change time.
    /// </summary>
    internal static string UpsertSql<T>(CrmTable<T> table, bool overwrite = false)
    {
        var columns = string.Join(", ", table.Columns);
        var parameters = string.Join(", ", table.Columns.Select((c, i) => $"${i + 3}{CastOf(c)}"));
        var updates = string.Join(", ", table.Columns.Select(c => $"{c} = EXCLUDED.{c}"));
        var newer = overwrite ? string.Empty : " WHERE t.source_updated_at <= EXCLUDED.source_updated_at";
        return $"""
            INSERT INTO {table.Name} AS t (tenant, external_id, {columns}, source_updated_at, deleted_at)
            VALUES ($1, $2, {parameters}, ${table.Columns.Count + 3}, NULL)
            ON CONFLICT (tenant, external_id) DO UPDATE SET {updates}, source_updated_at = EXCLUDED.source_updated_at, deleted_at = NULL{newer}
            """;
    }

    // The JSON columns arrive as text.
    private static string CastOf(string column) => column == "member_external_ids" ? "::jsonb" : string.Empty;
}
