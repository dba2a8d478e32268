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

    /// <summary>A dead letter's position as a page's form carries it: the API's JSON of the cursor.</summary>
    public static string FormValue(Cursor position) => JsonSerializer.Serialize(position, Options);

    /// <summary>Reads a position a page's form carried back.</summary>
    public static bool TryReadFormValue(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Cursor? position)
    {
        try
        {
            position = value is null ? null : JsonSerializer.Deserialize<Cursor>(value, Options);
        }
        catch (JsonException)
        {
            position = null;
        }

        return position is not null;
    }
}

/// <summary>The body of a dead-letter retry.</summary>
internal sealed record DeadLetterActionRequest(string Tenant, string Stream, IReadOnlyList<string> Keys, string? Reason);

/// <summary>The body of a dead-letter discard: the entries by key and the position they were listed at.</summary>
internal sealed record DeadLetterDiscardRequest(string Tenant, string Stream, IReadOnlyList<DeadLetterId> Entries, string? Reason);

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
