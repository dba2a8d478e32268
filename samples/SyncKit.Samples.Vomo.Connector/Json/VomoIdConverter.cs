using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Connector.Json;

/// <summary>Reads VOMO ids, which arrive as integers or as numeric strings; writes integers.</summary>
internal sealed class VomoIdConverter : JsonConverter<long>
{
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetInt64();
        }

        if (reader.TokenType == JsonTokenType.String && !reader.HasValueSequence
            && Utf8Parser.TryParse(reader.ValueSpan, out long id, out var consumed) && consumed == reader.ValueSpan.Length && reader.ValueSpan.Length > 0)
        {
            return id;
        }

        throw new JsonException($"Expected an id (an integer or a numeric string) but found {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
