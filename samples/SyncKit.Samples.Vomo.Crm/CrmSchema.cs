using Microsoft.Data.Sqlite;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// The customer's CRM tables (SAMPLE.md), created beside SyncKit's state in the same SQLite file, the groups
/// push's own <c>vomo_group_push</c>, and <c>vomo_welcomes</c>, the ledger of welcomes delivered to a webhook after
/// their batch commits.
/// </summary>
public static class CrmSchema
{
    private const string Sql = """
        CREATE TABLE IF NOT EXISTS crm_contacts (
            tenant TEXT NOT NULL, external_id TEXT NOT NULL, email TEXT, first_name TEXT, last_name TEXT,
            phone TEXT, status TEXT, source_updated_at TEXT NOT NULL, deleted_at TEXT NULL,
            PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_projects (
            tenant TEXT NOT NULL, external_id TEXT NOT NULL, name TEXT, description TEXT, project_type TEXT,
            published BOOLEAN, active BOOLEAN, source_updated_at TEXT NOT NULL, deleted_at TEXT NULL,
            PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_groups (
            tenant TEXT NOT NULL, external_id TEXT NOT NULL, name TEXT, description TEXT,
            parent_external_id TEXT NULL, member_external_ids TEXT NOT NULL, source_updated_at TEXT NOT NULL,
            deleted_at TEXT NULL, PRIMARY KEY (tenant, external_id));
        CREATE TABLE IF NOT EXISTS crm_outbox (
            idempotency_key TEXT PRIMARY KEY, tenant TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS vomo_group_push (
            tenant TEXT NOT NULL, name TEXT NOT NULL, first_attempt_at TEXT NOT NULL, group_id INTEGER NULL,
            PRIMARY KEY (tenant, name));
        CREATE TABLE IF NOT EXISTS vomo_welcomes (
            idempotency_key TEXT PRIMARY KEY, tenant TEXT NOT NULL, payload TEXT NOT NULL, due_at TEXT NOT NULL,
            sent_at TEXT NULL, started INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NULL,
            rejected_at TEXT NULL);
        CREATE INDEX IF NOT EXISTS vomo_welcomes_due ON vomo_welcomes (tenant, due_at) WHERE sent_at IS NULL;
        """;

    /// <summary>Creates the tables that do not exist yet.</summary>
    /// <param name="connectionString">The SQLite connection string of the shared database file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
