using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace SyncKit;

/// <summary>A <see cref="IRecordSerializer{T}"/> on System.Text.Json.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class JsonRecordSerializer<T> : IRecordSerializer<T>
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the serializer.</summary>
    /// <param name="options">The JSON options; defaults to <see cref="JsonSerializerDefaults.Web"/>.</param>
    [RequiresUnreferencedCode("Reflection-based JSON; supply JsonSerializerOptions with a source-generated TypeInfoResolver for trimming.")]
    [RequiresDynamicCode("Reflection-based JSON; supply JsonSerializerOptions with a source-generated TypeInfoResolver for AOT.")]
    public JsonRecordSerializer(JsonSerializerOptions? options = null) =>
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The constructor carries the warning.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The constructor carries the warning.")]
    public string Serialize(T value) => JsonSerializer.Serialize(value, _options);

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The constructor carries the warning.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The constructor carries the warning.")]
    public T Deserialize(string payload) =>
        JsonSerializer.Deserialize<T>(payload, _options)
        ?? throw new JsonException($"The dead-letter payload deserialized to null as {typeof(T).Name}.");
}
