using System.Text.Json;
using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>A run as <c>runs list</c> shows it.</summary>
internal sealed record RunView(
    string RunId, string Job, RunKind Kind, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, RunOutcome Outcome,
    RunCounts Counts, string? CursorFrom, string? CursorTo, string? Error)
{
    public static RunView Of(RunRecord run) =>
        new(run.RunId, run.Job.ToString(), run.Kind, run.StartedAt, run.EndedAt, run.Outcome, run.Counts, run.CursorFrom?.ToString(), run.CursorTo?.ToString(), run.Error);
}

/// <summary>A job's health as <c>status</c> shows it.</summary>
internal sealed record HealthView(
    string Job, JobHealthStatus Status, double? LagSeconds, DateTimeOffset? LastSuccessAt, RunOutcome? LastOutcome, int DeadLetters,
    BreakerState SourceBreaker, BreakerState DestinationBreaker, double ErrorBudgetBurn, string? Checkpoint, IReadOnlyList<string> Reasons)
{
    public static HealthView Of(JobHealth health) =>
        new(health.Job.ToString(), health.Status, health.Lag?.TotalSeconds, health.LastSuccessAt, health.LastOutcome, health.DeadLetters,
            health.Breakers.Source, health.Breakers.Destination, health.ErrorBudgetBurn, health.Checkpoint?.ToString(), health.Reasons);
}

/// <summary>A dead letter as <c>dlq list</c> shows it.</summary>
internal sealed record DeadLetterView(
    string Job, string RecordKey, DeadLetterStatus Status, ErrorClass ErrorClass, string LastError, int Attempts,
    DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, DateTimeOffset? NextAttemptAt, JsonElement? Record)
{
    public static DeadLetterView Of(DeadLetter entry) =>
        new(entry.Job.ToString(), entry.RecordKey, entry.Status, entry.ErrorClass, entry.LastError, entry.Attempts,
            entry.FirstFailedAt, entry.LastFailedAt, entry.NextAttemptAt, Parse(entry.Payload));

    private static JsonElement? Parse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(payload, CliJsonContext.Default.String);
        }
    }
}

/// <summary>Source-generated JSON for <c>--json</c> output: snake_case names, enums as names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<RunView>))]
[JsonSerializable(typeof(IReadOnlyList<HealthView>))]
[JsonSerializable(typeof(IReadOnlyList<DeadLetterView>))]
[JsonSerializable(typeof(IReadOnlyList<ReplayLine>))]
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
