namespace SyncKit.Postgres.Internal;

/// <summary>
/// The statements a table source runs, built once from its quoted names. Rows come back with the mapper's columns
/// first, then the key's text and the change time; pages are ordered by <c>(updated_at, key)</c>, which an index on
/// those two columns serves as one range.
/// </summary>
internal sealed class TableSourceSql
{
    public TableSourceSql(PostgresTableSourceOptions options)
    {
        // Every column is qualified by the table's alias: with *, the key and the change time appear twice among the
        // output columns, and an unqualified ORDER BY would not know which one it means.
        var table = options.Schema is null ? Quote(options.Table) : $"{Quote(options.Schema)}.{Quote(options.Table)}";
        var key = $"r.{Quote(options.KeyColumn)}";
        var changedAt = $"r.{Quote(options.UpdatedAtColumn)}";
        var columns = options.Columns.Count == 0 ? "r.*" : string.Join(", ", options.Columns.Select(c => $"r.{Quote(c)}"));
        var select = $"SELECT {columns}, {key}::text, {changedAt} FROM {table} AS r";
        var order = $"ORDER BY {changedAt}, {key}";

        // $1 the exclusive upper bound of the change time (the horizon, or a window's end), then the lower bound, then the limit.
        ReadFromStart = $"{select} WHERE {changedAt} < $1 {order} LIMIT $2";
        ReadFromInstant = $"{select} WHERE {changedAt} < $1 AND {changedAt} >= $2 {order} LIMIT $3";
        ReadAfter = $"{select} WHERE {changedAt} < $1 AND ({changedAt}, {key}) > ($2, $3) {order} LIMIT $4";

        // $1 the key.
        Lookup = $"{select} WHERE {key} = $1";

        // $1 the limit; $1 the last key, $2 the limit.
        FirstKeys = $"SELECT {key}::text FROM {table} AS r ORDER BY {key} LIMIT $1";
        KeysAfter = $"SELECT {key}::text FROM {table} AS r WHERE {key} > $1 ORDER BY {key} LIMIT $2";
    }

    /// <summary>Rows below the upper bound, from the first.</summary>
    public string ReadFromStart { get; }

    /// <summary>Rows below the upper bound changed at or after an instant.</summary>
    public string ReadFromInstant { get; }

    /// <summary>Rows below the upper bound strictly after a <c>(changed at, key)</c> position.</summary>
    public string ReadAfter { get; }

    /// <summary>The row with one key.</summary>
    public string Lookup { get; }

    /// <summary>The first keys in key order.</summary>
    public string FirstKeys { get; }

    /// <summary>The keys after one key, in key order.</summary>
    public string KeysAfter { get; }

    /// <summary>Quotes a name as an identifier, so nothing in it is read as SQL.</summary>
    public static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
