using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Operations.Internal;

/// <summary>The source-generated serializer of the <see cref="OperatorAction"/> a run keeps in <see cref="RunRecord.Report"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OperatorAction))]
internal sealed partial class OperatorActionJson : JsonSerializerContext;
