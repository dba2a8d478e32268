using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// How values are kept in columns. Instants are UTC ticks (sortable integers); a cursor's timestamp also
/// keeps its offset in minutes so it reads back exactly as written. Enums are kept by name, so a reordered
/// enum never changes what a stored row means, and an unknown name is an error, never coerced.
/// </summary>
internal static class SqliteValues
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static long Ticks(DateTimeOffset instant) => instant.UtcTicks;

    public static object? Ticks(DateTimeOffset? instant) => instant?.UtcTicks;

    public static DateTimeOffset Instant(SqliteDataReader reader, int ordinal) =>
        new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? NullableInstant(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Instant(reader, ordinal);

    /// <summary>Reads a source horizon from its instant and what holds it, two columns from <paramref name="ordinal"/>; a null instant is none.</summary>
    public static SourceHorizon? Horizon(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new SourceHorizon(Instant(reader, ordinal), reader.IsDBNull(ordinal + 1) ? null : reader.GetString(ordinal + 1));

    /// <summary>Binds a cursor to <c>{prefix}_ticks</c>, <c>{prefix}_offset</c>, <c>{prefix}_id</c> and <c>{prefix}_progress</c>.</summary>
    public static SqliteCommand BindCursor(this SqliteCommand command, CursorParameters names, Cursor? cursor) =>
        command
            .Bind(names.Ticks, cursor?.Timestamp?.UtcTicks)
            .Bind(names.Offset, cursor?.Timestamp is { } timestamp ? (long)timestamp.Offset.TotalMinutes : null)
            .Bind(names.Id, cursor?.Id)
            .Bind(names.Progress, cursor?.Progress);

    /// <summary>Reads a cursor from four columns starting at <paramref name="ordinal"/>; a null id is no cursor.</summary>
    public static Cursor? Cursor(SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal + 2))
        {
            return null;
        }

        DateTimeOffset? timestamp = null;
        if (!reader.IsDBNull(ordinal))
        {
            var offset = TimeSpan.FromMinutes(reader.GetInt64(ordinal + 1));
            timestamp = new DateTimeOffset(reader.GetInt64(ordinal) + offset.Ticks, offset);
        }

        return new Cursor(timestamp, reader.GetString(ordinal + 2), reader.IsDBNull(ordinal + 3) ? null : reader.GetString(ordinal + 3));
    }

    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        value.ToString();

    public static TEnum Parse<TEnum>(SqliteDataReader reader, int ordinal)
        where TEnum : struct, Enum
    {
        var name = reader.GetString(ordinal);
        return Enum.TryParse<TEnum>(name, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidDataException(
                $"Column {reader.GetName(ordinal)} holds '{name}', which is not a {typeof(TEnum).Name}; the database was written by another version of SyncKit.Sqlite.");
    }

    /// <summary>A JSON array of strings, the way a whole batch of keys is passed to one statement (<c>json_each</c>).</summary>
    public static string JsonArray(IEnumerable<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON array of <c>[tenant, stream]</c> pairs, the way a list of jobs is passed to one statement.</summary>
    public static string JsonJobs(IEnumerable<JobId> jobs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartArray();
            foreach (var job in jobs)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(job.Tenant);
                writer.WriteStringValue(job.Stream);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyList<string> ReadJsonArray(string json)
    {
        var values = new List<string>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                values.Add(reader.GetString()!);
            }
        }

        return values;
    }

    public static string JsonObject(IReadOnlyDictionary<ErrorClass, long> counts)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var (errorClass, count) in counts)
            {
                writer.WriteNumber(Name(errorClass), count);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static IReadOnlyDictionary<ErrorClass, long> ReadErrorCounts(string json)
    {
        var counts = new Dictionary<ErrorClass, long>();
        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var name = reader.GetString()!;
            if (!Enum.TryParse<ErrorClass>(name, ignoreCase: false, out var errorClass) || !Enum.IsDefined(errorClass))
            {
                throw new InvalidDataException($"A run's errors_by_class holds '{name}', which is not an ErrorClass; the database was written by another version of SyncKit.Sqlite.");
            }

            reader.Read();
            counts[errorClass] = reader.GetInt64();
        }

        return counts;
    }
}

/// <summary>The parameter names of one cursor's four columns.</summary>
internal sealed record CursorParameters(string Ticks, string Offset, string Id, string Progress)
{
    public static CursorParameters Named(string prefix) =>
        new($"${prefix}_ticks", $"${prefix}_offset", $"${prefix}_id", $"${prefix}_progress");
}
