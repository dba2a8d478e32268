using System.Data.Common;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Push;

/// <summary>What the push knows about one requested group: when it first tried to create it, and the VOMO id once known.</summary>
internal sealed record GroupPushEntry(DateTimeOffset FirstAttemptAt, long? GroupId);

/// <summary>
/// The push's memory in the store's database (<c>vomo_group_push</c>, created with the CRM tables): a name's first
/// attempt is recorded before its first <c>POST /groups</c>, so after a lost answer or a crash the next attempt
/// knows to look among the groups created since then before creating again. A name pushed once is never pushed again.
/// Each statement commits on its own, before the request it guards is sent.
/// </summary>
internal sealed class GroupPushLog(CrmDatabase crm)
{
    public async Task<Dictionary<string, GroupPushEntry>> LoadAsync(string tenant, CancellationToken cancellationToken)
    {
        await using var connection = await crm.OpenConnectionAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT name, first_attempt_at, group_id FROM vomo_group_push WHERE tenant = @tenant";
        CrmDialect.Add(select, "@tenant", tenant);
        var entries = new Dictionary<string, GroupPushEntry>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries[reader.GetString(0)] = new GroupPushEntry(CrmDialect.ReadTime(reader, 1), reader.IsDBNull(2) ? null : reader.GetInt64(2));
        }

        return entries;
    }

    public Task StartAttemptAsync(string tenant, string name, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO vomo_group_push (tenant, name, first_attempt_at) VALUES (@tenant, @name, @at) ON CONFLICT (tenant, name) DO NOTHING",
            tenant,
            name,
            command => crm.Dialect.AddTime(command, "@at", at),
            cancellationToken);

    public Task RecordCreatedAsync(string tenant, string name, long groupId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE vomo_group_push SET group_id = @group_id WHERE tenant = @tenant AND name = @name",
            tenant,
            name,
            command => CrmDialect.Add(command, "@group_id", groupId),
            cancellationToken);

    private async Task ExecuteAsync(string sql, string tenant, string name, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await crm.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        CrmDialect.Add(command, "@tenant", tenant);
        CrmDialect.Add(command, "@name", name);
        bind(command);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
