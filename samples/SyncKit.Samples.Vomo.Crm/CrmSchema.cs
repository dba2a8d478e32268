using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// The customer's CRM tables (samples/SyncKit.Samples.Vomo/README.md, "Destination schema"), created beside SyncKit's state in the same SQLite file, the groups
/// push's own <c>vomo_group_push</c>, and <c>vomo_welcomes</c>, the ledger of welcomes delivered to a webhook after
/// their batch commits.
/// </summary>
public static class CrmSchema
{
    /// <summary>Creates the tables that do not exist yet.</summary>
    /// <param name="connectionString">The SQLite connection string of the shared database file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the tables exist.</returns>
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = CrmDialect.Sqlite.CreateTables;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
