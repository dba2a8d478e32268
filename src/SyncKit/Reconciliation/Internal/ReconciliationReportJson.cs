using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Reconciliation.Internal;

/// <summary>The source-generated serializer of the <see cref="ReconciliationReport"/> a run keeps in <see cref="RunRecord.Report"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ReconciliationReport))]
internal sealed partial class ReconciliationReportJson : JsonSerializerContext;
