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

/// <summary>A job's health as <c>status</c> shows it, with the webhook's welcomes for a users job.</summary>
internal sealed record HealthView(
    string Job, JobHealthStatus Status, double? LagSeconds, DateTimeOffset? LastSuccessAt, RunOutcome? LastOutcome, int DeadLetters,
    BreakerState SourceBreaker, BreakerState DestinationBreaker, double ErrorBudgetBurn, string? Checkpoint, IReadOnlyList<string> Reasons,
    long? WelcomesDue, int? WelcomesRejected, long? WelcomesPossiblyRepeated)
{
    public static HealthView Of(JobHealth health, WelcomeCounts? welcomes = null) =>
        new(health.Job.ToString(), health.Status, health.Lag?.TotalSeconds, health.LastSuccessAt, health.LastOutcome, health.DeadLetters,
            health.Breakers.Source, health.Breakers.Destination, health.ErrorBudgetBurn, health.Checkpoint?.ToString(),
            [.. health.Reasons, .. welcomes?.Reasons ?? []], welcomes?.Due, welcomes?.Rejected, welcomes?.PossiblyRepeated);
}

/// <summary>
/// A tenant's webhook welcomes not sent yet: due (sent when the webhook answers), and rejected (waiting for an
/// operator); and those sent after a crash cut a post short, which the webhook may have received twice.
/// </summary>
internal sealed record WelcomeCounts(long Due, int Rejected, long PossiblyRepeated)
{
    public IEnumerable<string> Reasons
    {
        get
        {
            if (Rejected > 0)
            {
                yield return $"{Rejected} welcome(s) rejected by the webhook: 'dlq list' shows them, 'dlq retry' sends them again.";
            }

            if (Due > 0)
            {
                yield return $"{Due} welcome(s) due, waiting for the webhook.";
            }

            if (PossiblyRepeated > 0)
            {
                yield return $"{PossiblyRepeated} welcome(s) may have been posted twice: a crash cut their post short (the Idempotency-Key lets the webhook drop a repeat).";
            }
        }
    }
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
