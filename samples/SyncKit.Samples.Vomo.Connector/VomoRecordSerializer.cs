using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SyncKit.Samples.Vomo.Connector.Json;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>Keeps VOMO records in the dead-letter queue as VOMO's own JSON (source-generated, no reflection).</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class VomoRecordSerializer<T> : IRecordSerializer<T>
{
    private readonly JsonTypeInfo<T> _info;

    private VomoRecordSerializer(JsonTypeInfo<T> info) => _info = info;

    /// <inheritdoc />
    public string Serialize(T value) => JsonSerializer.Serialize(value, _info);

    /// <inheritdoc />
    public T Deserialize(string payload) =>
        JsonSerializer.Deserialize(payload, _info) ?? throw new JsonException($"The dead-letter payload deserialized to null as {typeof(T).Name}.");

    internal static VomoRecordSerializer<T> For(JsonTypeInfo<T> info) => new(info);
}

/// <summary>The serializers of the records the VOMO sources produce.</summary>
public static class VomoRecordSerializers
{
    /// <summary>Users.</summary>
    public static IRecordSerializer<VomoUser> Users { get; } = VomoRecordSerializer<VomoUser>.For(VomoJsonContext.Default.VomoUser);

    /// <summary>Projects.</summary>
    public static IRecordSerializer<VomoProject> Projects { get; } = VomoRecordSerializer<VomoProject>.For(VomoJsonContext.Default.VomoProject);

    /// <summary>Groups with their members.</summary>
    public static IRecordSerializer<VomoGroupRecord> Groups { get; } = VomoRecordSerializer<VomoGroupRecord>.For(VomoJsonContext.Default.VomoGroupRecord);
}
