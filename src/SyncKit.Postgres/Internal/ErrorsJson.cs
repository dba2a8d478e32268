using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SyncKit.Postgres.Internal;

/// <summary>Writes and reads a run's errors by class as a <c>jsonb</c> object such as <c>{"Transient": 3}</c>.</summary>
internal static class ErrorsJson
{
    public static string Write(IReadOnlyDictionary<ErrorClass, long> errors)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (errorClass, count) in errors)
            {
                json.WriteNumber(errorClass.ToString(), count);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Dictionary<ErrorClass, long> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => Enum.Parse<ErrorClass>(p.Name), p => p.Value.GetInt64());
    }
}
