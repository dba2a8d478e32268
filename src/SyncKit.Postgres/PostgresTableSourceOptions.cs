using System.ComponentModel.DataAnnotations;
using System.Text;

namespace SyncKit.Postgres;

/// <summary>Which table a <see cref="PostgresTableSource{T}"/> reads, which of its columns say what, and how far below the horizon it stays.</summary>
/// <remarks>
/// Names are used exactly as given and always quoted, so they are never read as SQL: write them as PostgreSQL stores
/// them (lower case, unless the table was created with quoted mixed-case names).
/// </remarks>
public sealed class PostgresTableSourceOptions
{
    /// <summary>The schema holding the table.</summary>
    /// <value>Default <see langword="null"/>: the table is found on the connection's <c>search_path</c>.</value>
    public string? Schema { get; set; }

    /// <summary>The table to read.</summary>
    /// <value>Required.</value>
    public string Table { get; set; } = string.Empty;

    /// <summary>The column that identifies a row: each row's text form is its record key and its cursor's tie-breaker.</summary>
    /// <value>Default <c>id</c>.</value>
    public string KeyColumn { get; set; } = "id";

    /// <summary>
    /// The <c>timestamptz</c> column every write sets to the writing transaction's time (<c>now()</c>,
    /// <c>clock_timestamp()</c> or a trigger), which orders changes.
    /// </summary>
    /// <value>Default <c>updated_at</c>.</value>
    public string UpdatedAtColumn { get; set; } = "updated_at";

    /// <summary>
    /// The columns the row mapper reads, in the order it reads them (its ordinals start at 0). The source adds the key's
    /// text and the change time after them.
    /// </summary>
    /// <value>Default empty: every column of the table (<c>*</c>), in the table's order.</value>
    public IList<string> Columns { get; } = new List<string>();

    /// <summary>
    /// How far below the oldest open transaction's start (or the database's clock, when none is open) the source stops
    /// reading. It covers the moment between a transaction taking its start time and showing it in
    /// <c>pg_stat_activity</c>, and small steps back of the server's clock.
    /// </summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan HorizonMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws naming every invalid setting.</summary>
    internal void ThrowIfInvalid()
    {
        var errors = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => $"PostgresTableSourceOptions.{string.Join(", ", r.MemberNames)}: {r.ErrorMessage}"));
        }

        CheckName(errors, nameof(Schema), Schema, optional: true);
        CheckName(errors, nameof(Table), Table);
        CheckName(errors, nameof(KeyColumn), KeyColumn);
        CheckName(errors, nameof(UpdatedAtColumn), UpdatedAtColumn);
        foreach (var column in Columns)
        {
            CheckName(errors, nameof(Columns), column);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors.Distinct(StringComparer.Ordinal)));
        }
    }

    // PostgreSQL cuts longer names to 63 bytes, so a longer one would silently name another column.
    private static void CheckName(List<string> errors, string setting, string? name, bool optional = false)
    {
        if (name is null ? !optional : name.Length == 0 || name.Contains('\0', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(name) > 63)
        {
            errors.Add($"PostgresTableSourceOptions.{setting}: a PostgreSQL name is 1 to 63 bytes without NUL characters.");
        }
    }
}
