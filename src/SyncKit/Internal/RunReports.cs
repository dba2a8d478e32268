using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SyncKit.Internal;

/// <summary>Writes and reads the JSON reports runs keep in <see cref="RunRecord.Report"/>, with source-generated serializers.</summary>
internal static class RunReports
{
    public static ReportJsonContext Json => ReportJsonContext.Default;

    public static string Write<TReport>(TReport report, JsonTypeInfo<TReport> typeInfo) =>
        JsonSerializer.Serialize(report, typeInfo);

    public static TReport? Read<TReport>(RunRecord run, JsonTypeInfo<TReport> typeInfo)
        where TReport : class =>
        Read(run.Report, typeInfo);

    public static TReport? Read<TReport>(string? report, JsonTypeInfo<TReport> typeInfo)
        where TReport : class =>
        report is { } json ? JsonSerializer.Deserialize(json, typeInfo) : null;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(OperatorAction))]
[JsonSerializable(typeof(ReconciliationReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
