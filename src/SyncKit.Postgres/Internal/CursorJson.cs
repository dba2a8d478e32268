using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// Stores a <see cref="Cursor"/> as a small <c>jsonb</c> document, readable by an operator and exact: the
/// timestamp keeps all seven fractional digits and its offset, which <c>timestamptz</c> would round.
/// </summary>
internal static class CursorJson
{
    public static string? Write(Cursor? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (cursor.Timestamp is { } timestamp)
            {
                json.WriteString("t", timestamp.ToString("O", CultureInfo.InvariantCulture));
            }

            json.WriteString("id", cursor.Id);
            if (cursor.Progress is not null)
            {
                json.WriteString("p", cursor.Progress);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Cursor? Read(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        DateTimeOffset? timestamp = root.TryGetProperty("t", out var t)
            ? DateTimeOffset.ParseExact(t.GetString()!, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
        var progress = root.TryGetProperty("p", out var p) ? p.GetString() : null;
        return new Cursor(timestamp, root.GetProperty("id").GetString()!, progress);
    }
}
