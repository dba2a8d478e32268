using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// How one record type maps onto its CRM table: the columns besides the key and the change time, their values,
/// the version reconciliation compares, and the way back from a row to a record. As an <see cref="IFieldComparer{T}"/>
/// it compares exactly the columns the CRM keeps, so fields it does not keep never count as drift.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CrmTable<T> : IFieldComparer<T>
{
    private readonly Func<T, object?[]> _values;
    private readonly Func<long, DateTimeOffset, object?[], T> _read;
    private readonly Func<T, string> _version;

    private CrmTable(string name, string[] columns, Func<T, long> id, Func<T, DateTimeOffset> updatedAt, Func<T, object?[]> values, Func<long, DateTimeOffset, object?[], T> read, string? versionExtra = null)
    {
        Name = name;
        Columns = columns;
        IdOf = id;
        UpdatedAtOf = updatedAt;
        _values = values;
        _read = read;

        // A version is the change time, plus any column whose changes do not move it (a group's members). The time
        // is cut to the microseconds PostgreSQL's timestamptz keeps, so a row read back equals the record it holds.
        var extra = versionExtra is null ? -1 : Array.IndexOf(columns, versionExtra);
        _version = extra < 0 ? r => VersionTime(updatedAt(r)) : r => $"{VersionTime(updatedAt(r))} {values(r)[extra]}";
    }

    /// <summary>The table.</summary>
    public string Name { get; }

    /// <summary>The columns written from the record (besides tenant, external_id, source_updated_at and deleted_at).</summary>
    public IReadOnlyList<string> Columns { get; }

    internal Func<T, long> IdOf { get; }

    internal Func<T, DateTimeOffset> UpdatedAtOf { get; }

    internal object?[] ValuesOf(T record) => _values(record);

    /// <summary>The version a row holds once it has <paramref name="record"/>.</summary>
    internal string VersionOf(T record) => _version(record);

    /// <summary>The query of the rows a tenant holds, not deleted, in the shape <see cref="ReadRowsAsync"/> reads.</summary>
    /// <param name="tenant">The SQL expression of the tenant.</param>
    /// <param name="keysFilter">A further condition on <c>external_id</c>, or <see langword="null"/> for every row.</param>
    internal string SelectSql(string tenant, string? keysFilter = null) =>
        $"SELECT external_id, source_updated_at, {string.Join(", ", Columns)} FROM {Name} WHERE tenant = {tenant} AND deleted_at IS NULL{(keysFilter is null ? string.Empty : $" AND {keysFilter}")}";

    /// <summary>Maps the rows of <see cref="SelectSql"/> back to records, as far as the CRM keeps them, each with its key and version.</summary>
    internal async IAsyncEnumerable<DestinationRow<T>> ReadRowsAsync(DbDataReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var values = new object?[Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i + 2) ? null : reader.GetValue(i + 2);
            }

            var record = _read(CrmFormat.IdOf(reader.GetString(0)), CrmDialect.ReadTime(reader, 1), values);
            yield return new DestinationRow<T>(CrmFormat.KeyOf(reader.GetString(0)), VersionOf(record), record);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Compare(T source, T destination)
    {
        var left = ValuesOf(source);
        var right = ValuesOf(destination);
        return [.. Columns.Where((_, i) => !Equals(left[i], right[i]))];
    }

    // Rows map back with the change time as creation time too: the CRM does not keep it, and only kept columns are compared.

    /// <summary>VOMO users → <c>crm_contacts</c>.</summary>
    public static CrmTable<VomoUser> Contacts { get; } = new(
        "crm_contacts",
        ["email", "first_name", "last_name", "phone", "status"],
        u => u.Id,
        u => u.UpdatedAt,
        u => [u.Email, u.FirstName, u.LastName, u.Phone, u.MembershipStatus],
        (id, updatedAt, v) => new VomoUser
        {
            Id = id, Email = (string?)v[0], FirstName = (string?)v[1], LastName = (string?)v[2], Phone = (string?)v[3], MembershipStatus = (string?)v[4],
            CreatedAt = updatedAt, UpdatedAt = updatedAt,
        });

    /// <summary>VOMO projects → <c>crm_projects</c> (booleans: SQLite stores them as 0/1, PostgreSQL as <c>boolean</c>).</summary>
    public static CrmTable<VomoProject> Projects { get; } = new(
        "crm_projects",
        ["name", "description", "project_type", "published", "active"],
        p => p.Id,
        p => p.UpdatedAt,
        p => [p.Name, p.Description, p.ProjectType, p.Published, p.Active],
        (id, updatedAt, v) => new VomoProject
        {
            Id = id, Name = (string?)v[0], Description = (string?)v[1], ProjectType = (string?)v[2], Published = Flag(v[3]), Active = Flag(v[4]),
            CreatedAt = updatedAt, UpdatedAt = updatedAt,
        });

    /// <summary>VOMO groups → <c>crm_groups</c>, members as a JSON array of external ids sorted as strings.</summary>
    public static CrmTable<VomoGroupRecord> Groups { get; } = new(
        "crm_groups",
        ["name", "description", "parent_external_id", "member_external_ids"],
        g => g.Group.Id,
        g => g.Group.UpdatedAt,
        g => [g.Group.Name, g.Group.Description, g.Group.ParentId is { } parent ? CrmFormat.ExternalId(parent) : null, MemberIds(g.MemberIds)],
        (id, updatedAt, v) => new VomoGroupRecord(
            new VomoGroup
            {
                Id = id, Name = (string?)v[0], Description = (string?)v[1], ParentId = v[2] is string parent ? CrmFormat.IdOf(parent) : null,
                CreatedAt = updatedAt, UpdatedAt = updatedAt,
            },
            [.. JsonSerializer.Deserialize((string)v[3]!, CrmJsonContext.Default.StringArray)!.Select(CrmFormat.IdOf).Order()]),
        versionExtra: "member_external_ids");

    private static string VersionTime(DateTimeOffset value) => CrmFormat.SourceTime(value.AddTicks(-(value.Ticks % 10)));

    /// <summary>A flag as stored: <c>boolean</c> on PostgreSQL, 0/1 on SQLite.</summary>
    private static bool Flag(object? value) => value is bool flag ? flag : value is not null && Convert.ToInt64(value, CultureInfo.InvariantCulture) == 1;

    private static string MemberIds(IEnumerable<long> ids) =>
        JsonSerializer.Serialize(ids.Select(CrmFormat.ExternalId).Order(StringComparer.Ordinal).ToArray(), CrmJsonContext.Default.StringArray);

    /// <summary>
    /// The upsert: insert, or replace the row unless it holds a newer <c>source_updated_at</c> (a stale write is
    /// skipped; an equal one overwrites, since whole seconds cannot order two changes within one second). With
    /// <paramref name="overwrite"/>, a force repair's, the row is replaced whatever it holds.
    /// </summary>
    internal string UpsertSql(bool overwrite = false)
    {
        var columns = string.Join(", ", Columns);
        var parameters = string.Join(", ", Columns.Select((_, i) => $"$p{i}"));
        var updates = string.Join(", ", Columns.Select(c => $"{c} = excluded.{c}"));
        var newer = overwrite ? string.Empty : $" WHERE unixepoch(excluded.source_updated_at, 'subsec') >= unixepoch({Name}.source_updated_at, 'subsec')";
        return $"""
            INSERT INTO {Name} (tenant, external_id, {columns}, source_updated_at, deleted_at)
            VALUES ($tenant, $external_id, {parameters}, $source_updated_at, NULL)
            ON CONFLICT (tenant, external_id) DO UPDATE SET {updates}, source_updated_at = excluded.source_updated_at, deleted_at = NULL{newer}
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
