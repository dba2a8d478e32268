using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Connector.Json;

/// <summary>
/// Reads VOMO timestamps: ISO 8601 with an offset or <c>Z</c>, with or without fractions. A timestamp without
/// an offset is refused rather than guessed in some local zone.
/// </summary>
internal sealed class VomoTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (text is { Length: > 10 } && HasOffset(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var value))
        {
            return value;
        }

        throw new JsonException($"Expected an ISO 8601 timestamp with an offset but found '{text ?? reader.TokenType.ToString()}'.");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture));

    private static bool HasOffset(string text)
    {
        var trimmed = text.AsSpan().TrimEnd();
        return trimmed[^1] is 'Z' or 'z'
            || (trimmed.Length > 6 && trimmed[^6] is '+' or '-' && trimmed[^3] == ':')
            || (trimmed.Length > 5 && trimmed[^5] is '+' or '-' && !trimmed[^4..].ContainsAnyExceptInRange('0', '9'));
    }
}
