using System.Text.Json;

namespace SyncKit;

/// <summary>
/// Compares records through their serialized form: two JSON objects are compared property by property (nested
/// values deeply) and the differing top-level property names returned. Payloads that are not JSON objects are
/// compared whole and reported as the field <c>$</c>. The default when a job sets no <see cref="SyncJob{T}.FieldComparer"/>.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class JsonFieldComparer<T> : IFieldComparer<T>
{
    private const string Whole = "$";
    private readonly IRecordSerializer<T> _serializer;

    /// <summary>Creates the comparer.</summary>
    /// <param name="serializer">Serializes records, usually the job's <see cref="SyncJob{T}.Serializer"/>.</param>
    public JsonFieldComparer(IRecordSerializer<T> serializer) =>
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));

    /// <inheritdoc />
    public IReadOnlyList<string> Compare(T source, T destination)
    {
        var left = _serializer.Serialize(source);
        var right = _serializer.Serialize(destination);
        if (string.Equals(left, right, StringComparison.Ordinal))
        {
            return [];
        }

        JsonDocument? leftDocument = null;
        JsonDocument? rightDocument = null;
        try
        {
            leftDocument = JsonDocument.Parse(left);
            rightDocument = JsonDocument.Parse(right);
            return Compare(leftDocument.RootElement, rightDocument.RootElement);
        }
        catch (JsonException)
        {
            return [Whole];
        }
        finally
        {
            leftDocument?.Dispose();
            rightDocument?.Dispose();
        }
    }

    private static IReadOnlyList<string> Compare(JsonElement left, JsonElement right)
    {
        if (left.ValueKind != JsonValueKind.Object || right.ValueKind != JsonValueKind.Object)
        {
            return JsonElement.DeepEquals(left, right) ? [] : [Whole];
        }

        var fields = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in left.EnumerateObject())
        {
            if (!right.TryGetProperty(property.Name, out var other) || !JsonElement.DeepEquals(property.Value, other))
            {
                fields.Add(property.Name);
            }
        }

        foreach (var property in right.EnumerateObject())
        {
            if (!left.TryGetProperty(property.Name, out _))
            {
                fields.Add(property.Name);
            }
        }

        return [.. fields];
    }
}
