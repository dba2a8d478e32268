using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.AspNetCore.Internal;

/// <summary>The JSON API's own serializer settings, independent of the host's: camelCase, enums as names.</summary>
internal static class DashboardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>The body of the dead-letter actions.</summary>
internal sealed record DeadLetterActionRequest(string Tenant, string Stream, IReadOnlyList<string> Keys, string? Reason);

/// <summary>The body of a replay.</summary>
internal sealed record ReplayRequest(string Tenant, string Stream, DateTimeOffset From, DateTimeOffset To);

/// <summary>The body of a reconciliation pass run now: <c>IncrementalReconciliation</c> or <c>FullReconciliation</c>.</summary>
internal sealed record ReconcileRequest(string Tenant, string Stream, RunKind Pass, CorrectionMode Correction = CorrectionMode.Automatic);

/// <summary>The body of a force repair.</summary>
internal sealed record ForceRepairRequest(string Tenant, string Stream, IReadOnlyList<string> Keys, string? Reason);

/// <summary>The body of a checkpoint reset; a <see langword="null"/> position resets to the beginning.</summary>
internal sealed record CheckpointResetRequest(string Tenant, string Stream, Cursor? Position, string? Reason);

/// <summary>One operation a replay would run, with the record as the job's serializer writes it.</summary>
internal sealed record ReplayOperationView(ReplayAction Action, string Key, Cursor Position, string Payload)
{
    public static ReplayOperationView From(ReplayOperation<string> operation) =>
        new(operation.Action, operation.Record.Key, operation.Record.Position, operation.Record.Value);
}
