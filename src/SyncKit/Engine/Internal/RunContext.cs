using Microsoft.Extensions.Logging;
using SyncKit.Diagnostics.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>What every stage of one run shares.</summary>
internal sealed class RunContext<T>(SyncJob<T> job, string runId, EngineServices services, RunRequest<T> request)
{
    public SyncJob<T> Job { get; } = job;

    public RunRequest<T> Request { get; } = request;

    public JobId Id => Job.Id;

    public SyncJobOptions Options => Job.Options;

    /// <summary>
    /// Whether the run writes an audit entry per record: when the job keeps an audit log, and always for a force
    /// repair, which goes past the destination's version check and so must leave a trace of every record it wrote.
    /// </summary>
    public bool Audits => Options.AuditLog || Request.Kind == RunKind.ForceRepair;

    public string RunId { get; } = runId;

    public ISyncStateStore Store => services.Store;

    public TimeProvider Time => services.TimeProvider;

    public ILogger Logger => services.Logger;

    public SyncKitMetrics Metrics => services.Metrics;

    public SyncResilience Resilience => services.Resilience;

    // A replay counts what it would do without reporting it to the meter as done.
    public RunEvidence Evidence { get; } = new(job.Id, request.WritesState ? services.Metrics : null);

    public DeadLetter NewDeadLetter(SourceRecord<T> record, ErrorClass errorClass, string error, int attempts)
    {
        var now = Time.GetUtcNow();
        return new DeadLetter(
            Id,
            record.Key,
            record.Position,
            Job.Serializer.Serialize(record.Value),
            errorClass,
            error,
            attempts,
            now,
            now,
            now + Options.DeadLetters.DelayAfter(attempts),
            DeadLetterStatus.Pending);
    }

    public AuditEntry Audit(SourceRecord<T> record, string action) =>
        new(RunId, Id, record.Key, record.Position, action, Time.GetUtcNow());

    /// <summary>The audit entry of a record's outcome; a force repair's write says it overwrote.</summary>
    public AuditEntry AuditOutcome(SourceRecord<T> record, RecordOutcomeKind outcome) =>
        Audit(record, outcome == RecordOutcomeKind.Written && Request.Kind == RunKind.ForceRepair ? AuditActions.Overwritten : AuditAction(outcome));

    private static string AuditAction(RecordOutcomeKind outcome) => outcome switch
    {
        RecordOutcomeKind.Written => AuditActions.Written,
        RecordOutcomeKind.Skipped => AuditActions.Skipped,
        RecordOutcomeKind.Deduplicated => AuditActions.Deduplicated,
        _ => AuditActions.DeadLettered,
    };
}

/// <summary>The engine-wide services a run uses.</summary>
internal sealed record EngineServices(
    ISyncStateStore Store,
    TimeProvider TimeProvider,
    ILogger Logger,
    SyncKitMetrics Metrics,
    SyncResilience Resilience,
    PollingActivity Polling,
    JobGates Gates);
