using System.Globalization;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Crm;

namespace SyncKit.Samples.Vomo.Push;

/// <summary>What the push knows about one requested group: when it first tried to create it, and the VOMO id once known.</summary>
internal sealed record GroupPushEntry(DateTimeOffset FirstAttemptAt, long? GroupId);

/// <summary>
/// The push's memory in the store's SQLite file (<c>vomo_group_push</c>): a name's first attempt is recorded
/// before its first <c>POST /groups</c>, so after a lost answer or a crash the next attempt knows to look among
/// the groups created since then before creating again. A name pushed once is never pushed again.
/// </summary>
internal sealed class GroupPushLog(string connectionString)
{
    public async Task<Dictionary<string, GroupPushEntry>> LoadAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT name, first_attempt_at, group_id FROM vomo_group_push WHERE tenant = $tenant";
        select.Parameters.AddWithValue("$tenant", tenant);
        var entries = new Dictionary<string, GroupPushEntry>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries[reader.GetString(0)] = new GroupPushEntry(CrmFormat.ParseSourceTime(reader.GetString(1)), reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        return entries;
    }

    public Task StartAttemptAsync(string tenant, string name, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT OR IGNORE INTO vomo_group_push (tenant, name, first_attempt_at) VALUES ($tenant, $name, $value)", tenant, name, CrmFormat.SourceTime(at), cancellationToken);

    public Task RecordCreatedAsync(string tenant, string name, long groupId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE vomo_group_push SET group_id = $value WHERE tenant = $tenant AND name = $name", tenant, name, groupId, cancellationToken);

    private async Task ExecuteAsync(string sql, string tenant, string name, object value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE IF NOT EXISTS vomo_group_push (tenant TEXT NOT NULL, name TEXT NOT NULL, first_attempt_at TEXT NOT NULL, group_id INTEGER NULL, PRIMARY KEY (tenant, name))";
        await create.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
