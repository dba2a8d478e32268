using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Connector.Json;

/// <summary>Source-generated JSON for everything the connector reads from and writes to VOMO (and keeps in the dead-letter queue).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(VomoIdConverter), typeof(VomoTimestampConverter)])]
[JsonSerializable(typeof(VomoPage<VomoUser>))]
[JsonSerializable(typeof(VomoPage<VomoProject>))]
[JsonSerializable(typeof(VomoPage<VomoGroup>))]
[JsonSerializable(typeof(VomoItem<VomoUser>))]
[JsonSerializable(typeof(VomoItem<VomoProject>))]
[JsonSerializable(typeof(VomoItem<VomoGroup>))]
[JsonSerializable(typeof(VomoUser))]
[JsonSerializable(typeof(VomoProject))]
[JsonSerializable(typeof(VomoGroupRecord))]
[JsonSerializable(typeof(VomoErrorBody))]
[JsonSerializable(typeof(GroupBody))]
[JsonSerializable(typeof(MembersBody))]
[JsonSerializable(typeof(UserBody))]
internal sealed partial class VomoJsonContext : JsonSerializerContext;

/// <summary>VOMO's error body: <c>{"message"}</c>, plus field errors for <c>422</c>.</summary>
internal sealed record VomoErrorBody(string? Message, Dictionary<string, string[]>? Errors);

/// <summary>The body of <c>POST /groups</c> and <c>PUT /groups/{id}</c>.</summary>
internal sealed record GroupBody(string Name, string? Description, long? ParentId, IReadOnlyList<long>? Members);

/// <summary>The body of <c>PUT /groups/{id}/members</c>.</summary>
internal sealed record MembersBody(IReadOnlyList<long> Members);

/// <summary>The body of <c>POST /users</c>.</summary>
internal sealed record UserBody(string FirstName, string LastName, string Email, DateOnly Birthday, string Gender, string? Phone, string? Role);
