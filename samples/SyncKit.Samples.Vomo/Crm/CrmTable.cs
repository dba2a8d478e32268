using System.Text.Json;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>How one record type maps onto its CRM table: the columns besides the key and the change time, and their values.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CrmTable<T>
{
    private readonly Func<T, object?[]> _values;

    private CrmTable(string name, string[] columns, Func<T, long> id, Func<T, DateTimeOffset> updatedAt, Func<T, object?[]> values)
    {
        Name = name;
        Columns = columns;
        IdOf = id;
        UpdatedAtOf = updatedAt;
        _values = values;
    }

    /// <summary>The table.</summary>
    public string Name { get; }

    /// <summary>The columns written from the record (besides tenant, external_id, source_updated_at and deleted_at).</summary>
    public IReadOnlyList<string> Columns { get; }

    internal Func<T, long> IdOf { get; }

    internal Func<T, DateTimeOffset> UpdatedAtOf { get; }

    internal object?[] ValuesOf(T record) => _values(record);

    /// <summary>VOMO users → <c>crm_contacts</c>.</summary>
    public static CrmTable<VomoUser> Contacts { get; } = new(
        "crm_contacts",
        ["email", "first_name", "last_name", "phone", "status"],
        u => u.Id,
        u => u.UpdatedAt,
        u => [u.Email, u.FirstName, u.LastName, u.Phone, u.MembershipStatus]);

    /// <summary>VOMO projects → <c>crm_projects</c> (booleans: SQLite stores them as 0/1, PostgreSQL as <c>boolean</c>).</summary>
    public static CrmTable<VomoProject> Projects { get; } = new(
        "crm_projects",
        ["name", "description", "project_type", "published", "active"],
        p => p.Id,
        p => p.UpdatedAt,
        p => [p.Name, p.Description, p.ProjectType, p.Published, p.Active]);

    /// <summary>VOMO groups → <c>crm_groups</c>, members as a JSON array of external ids sorted as strings.</summary>
    public static CrmTable<VomoGroupRecord> Groups { get; } = new(
        "crm_groups",
        ["name", "description", "parent_external_id", "member_external_ids"],
        g => g.Group.Id,
        g => g.Group.UpdatedAt,
        g => [g.Group.Name, g.Group.Description, g.Group.ParentId is { } parent ? CrmFormat.ExternalId(parent) : null, MemberIds(g.MemberIds)]);

    private static string MemberIds(IEnumerable<long> ids) =>
        JsonSerializer.Serialize(ids.Select(CrmFormat.ExternalId).Order(StringComparer.Ordinal).ToArray(), CrmJsonContext.Default.StringArray);

    /// <summary>
    /// The upsert: insert, or replace the row unless it holds a newer <c>source_updated_at</c> (a stale write is
    /// skipped; an equal one overwrites, since whole seconds cannot order two changes within one second).
    /// </summary>
    internal string UpsertSql()
    {
        var columns = string.Join(", ", Columns);
        var parameters = string.Join(", ", Columns.Select((_, i) => $"$p{i}"));
        var updates = string.Join(", ", Columns.Select(c => $"{c} = excluded.{c}"));
        return $"""
            INSERT INTO {Name} (tenant, external_id, {columns}, source_updated_at, deleted_at)
            VALUES ($tenant, $external_id, {parameters}, $source_updated_at, NULL)
            ON CONFLICT (tenant, external_id) DO UPDATE SET {updates}, source_updated_at = excluded.source_updated_at, deleted_at = NULL
            WHERE unixepoch(excluded.source_updated_at, 'subsec') >= unixepoch({Name}.source_updated_at, 'subsec')
            """;
    }

    internal void Bind(SqliteCommand command, string tenant, T record)
    {
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$external_id", CrmFormat.ExternalId(IdOf(record)));
        command.Parameters.AddWithValue("$source_updated_at", CrmFormat.SourceTime(UpdatedAtOf(record)));
        var values = ValuesOf(record);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue($"$p{i}", values[i] ?? DBNull.Value);
        }
    }
}
