using System.Data.Common;
using Npgsql;
using SyncKit.Postgres;

namespace SyncKit.TestPostgres.LateCommits;

/// <summary>A row of the workload's <c>invoices</c> table: every committed write adds one to its version.</summary>
public sealed record Invoice(long Id, long Version, decimal Amount, DateTimeOffset UpdatedAt)
{
    /// <summary>The columns <see cref="Map"/> reads, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["id", "version", "amount", "updated_at"];

    /// <summary>Maps a row whose first columns are <see cref="Columns"/>.</summary>
    public static Invoice Map(DbDataReader row) =>
        new(row.GetInt64(0), row.GetInt64(1), row.GetDecimal(2), row.GetFieldValue<DateTimeOffset>(3));

    /// <summary>A table source over the workload's <c>invoices</c>.</summary>
    public static PostgresTableSource<Invoice> TableSource(NpgsqlDataSource database)
    {
        var options = new PostgresTableSourceOptions { Table = "invoices" };
        foreach (var column in Columns)
        {
            options.Columns.Add(column);
        }

        return new PostgresTableSource<Invoice>(database, options, Map);
    }
}
