using Microsoft.Extensions.Logging;

namespace SyncKit.Diagnostics.Internal;

/// <summary>SyncKit's log messages. Event ids: 1xxx runs, 2xxx records, 3xxx resilience, 4xxx scheduling, 5xxx reconciliation, 6xxx operator actions.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Run {RunId} ({Kind}) of {Tenant}/{Stream} started from {Cursor}")]
    public static partial void RunStarted(ILogger logger, string runId, RunKind kind, string tenant, string stream, string cursor);

    [LoggerMessage(1002, LogLevel.Information, "Run {RunId} of {Tenant}/{Stream} ended {Outcome}: read {Read}, written {Written}, skipped {Skipped}, dead-lettered {DeadLettered}; checkpoint {Cursor}")]
    public static partial void RunEnded(ILogger logger, string runId, string tenant, string stream, RunOutcome outcome, long read, long written, long skipped, long deadLettered, Cursor? cursor);

    [LoggerMessage(1003, LogLevel.Error, "Run {RunId} of {Tenant}/{Stream} failed ({ErrorClass}); the checkpoint stays at the last durable position")]
    public static partial void RunFailed(ILogger logger, Exception exception, string runId, string tenant, string stream, ErrorClass errorClass);

    [LoggerMessage(1004, LogLevel.Critical, "Job {Tenant}/{Stream} stopped in run {RunId}: {ErrorClass} failure needs an operator: {Error}")]
    public static partial void JobStopped(ILogger logger, string runId, string tenant, string stream, ErrorClass errorClass, string error);

    [LoggerMessage(1005, LogLevel.Debug, "Run {RunId} of {Tenant}/{Stream} committed checkpoint {Cursor}")]
    public static partial void CheckpointCommitted(ILogger logger, string runId, string tenant, string stream, Cursor cursor);

    [LoggerMessage(1006, LogLevel.Warning, "Run {RunId} of {Tenant}/{Stream} lost its lease (fencing token {FencingToken}) and stops without committing; the job's new owner continues from the last committed checkpoint: {Error}")]
    public static partial void LeaseLost(ILogger logger, string runId, string tenant, string stream, long fencingToken, string error);

    [LoggerMessage(2001, LogLevel.Warning, "Run {RunId} of {Tenant}/{Stream} dead-lettered record {RecordId} ({ErrorClass}) after {Attempts} attempt(s): {Error}")]
    public static partial void RecordDeadLettered(ILogger logger, string runId, string tenant, string stream, string recordId, ErrorClass errorClass, int attempts, string error);

    [LoggerMessage(2002, LogLevel.Warning, "Run {RunId} of {Tenant}/{Stream} parked dead letter {RecordId} ({ErrorClass}) after {Attempts} attempts: {Error}")]
    public static partial void DeadLetterParked(ILogger logger, string runId, string tenant, string stream, string recordId, ErrorClass errorClass, int attempts, string error);

    [LoggerMessage(2003, LogLevel.Information, "Run {RunId} of {Tenant}/{Stream} re-drove dead letter {RecordId}")]
    public static partial void DeadLetterResolved(ILogger logger, string runId, string tenant, string stream, string recordId);

    [LoggerMessage(2004, LogLevel.Error, "Run {RunId} of {Tenant}/{Stream} stopped at record {RecordId} ({ErrorClass}): {Error}")]
    public static partial void StoppedAtRecord(ILogger logger, string runId, string tenant, string stream, string recordId, ErrorClass errorClass, string error);

    [LoggerMessage(3001, LogLevel.Warning, "Run {RunId} of {Tenant}/{Stream}: {Operation} attempt {Attempt} failed ({ErrorClass}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, Exception? exception, string runId, string tenant, string stream, string operation, int attempt, ErrorClass errorClass, TimeSpan delay);

    [LoggerMessage(3002, LogLevel.Warning, "Circuit breaker {Breaker} opened for {Duration}")]
    public static partial void BreakerOpened(ILogger logger, Exception? exception, string breaker, TimeSpan duration);

    [LoggerMessage(3003, LogLevel.Information, "Circuit breaker {Breaker} closed")]
    public static partial void BreakerClosed(ILogger logger, string breaker);

    [LoggerMessage(4001, LogLevel.Error, "Job {Tenant}/{Stream} is stopped and will not be scheduled until the host restarts: {Error}")]
    public static partial void ScheduleDisabled(ILogger logger, string tenant, string stream, string? error);

    [LoggerMessage(4002, LogLevel.Error, "Scheduled run of {Tenant}/{Stream} threw before it was recorded; trying again in {RetryIn}")]
    public static partial void ScheduledRunThrew(ILogger logger, Exception exception, string tenant, string stream, TimeSpan retryIn);

    [LoggerMessage(4003, LogLevel.Warning, "Renewing the lease of {Tenant}/{Stream} failed; the run stops and another instance may take the job over")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception, string tenant, string stream);

    [LoggerMessage(4004, LogLevel.Information, "{Kind} of {Tenant}/{Stream} waits for the job's run or operator action in progress to end")]
    public static partial void WaitingForJob(ILogger logger, RunKind kind, string tenant, string stream);

    [LoggerMessage(4005, LogLevel.Information, "{Kind} of {Tenant}/{Stream} waits for the job's lease, which another instance holds")]
    public static partial void WaitingForLease(ILogger logger, RunKind kind, string tenant, string stream);

    [LoggerMessage(4006, LogLevel.Information, "Job {Tenant}/{Stream} runs {Schedule}; next run due at {Due:O}")]
    public static partial void FirstRunDue(ILogger logger, string tenant, string stream, string schedule, DateTimeOffset due);

    [LoggerMessage(4007, LogLevel.Information, "Job {Tenant}/{Stream}: next run due at {Due:O}")]
    public static partial void NextRunDue(ILogger logger, string tenant, string stream, DateTimeOffset due);

    [LoggerMessage(5001, LogLevel.Information, "Reconciliation {RunId} ({Kind}) of {Tenant}/{Stream} checked {Checked}: missing {Missing}, stale {Stale}, extra {Extra}, drifted {Drifted}; repaired {Repaired}, unrepaired {Unrepaired}, deleted {Deleted}")]
    public static partial void ReconciliationEnded(ILogger logger, string runId, RunKind kind, string tenant, string stream, long @checked, long missing, long stale, long extra, long drifted, long repaired, long unrepaired, long deleted);

    [LoggerMessage(5002, LogLevel.Warning, "Reconciliation {RunId} of {Tenant}/{Stream} found a gap rate of {GapRate:P2}, above the threshold of {Threshold:P2}: auto-correction is paused until an operator looks at polling")]
    public static partial void CorrectionPaused(ILogger logger, string runId, string tenant, string stream, double gapRate, double threshold);

    [LoggerMessage(5003, LogLevel.Warning, "Reconciliation {RunId} of {Tenant}/{Stream}: record {RecordId} is missing from the source's key listing but still found by key; reported, not deleted")]
    public static partial void StillAtSource(ILogger logger, string runId, string tenant, string stream, string recordId);

    [LoggerMessage(5004, LogLevel.Error, "Reconciliation {RunId} ({Kind}) of {Tenant}/{Stream} failed")]
    public static partial void ReconciliationFailed(ILogger logger, Exception exception, string runId, RunKind kind, string tenant, string stream);

    [LoggerMessage(5005, LogLevel.Warning, "Reconciliation {RunId} of {Tenant}/{Stream} left {Count} gap(s) open, the destination missing the source's version or holding another (keys {Keys}): a pass that corrects or a force repair closes them")]
    public static partial void GapsUnrepaired(ILogger logger, string runId, string tenant, string stream, long count, string keys);

    [LoggerMessage(6001, LogLevel.Warning, "{Actor} reset the checkpoint of {Tenant}/{Stream} from {From} to {To}: {Reason}")]
    public static partial void CheckpointReset(ILogger logger, string actor, string tenant, string stream, Cursor? from, Cursor? to, string? reason);

    [LoggerMessage(6002, LogLevel.Warning, "{Actor} discarded {Count} dead letter(s) of {Tenant}/{Stream}: {Reason}")]
    public static partial void DeadLettersDiscarded(ILogger logger, string actor, int count, string tenant, string stream, string? reason);

    [LoggerMessage(6003, LogLevel.Information, "{Actor} asked to retry {Count} dead letter(s) of {Tenant}/{Stream} now")]
    public static partial void DeadLettersRetried(ILogger logger, string actor, int count, string tenant, string stream);

    [LoggerMessage(6004, LogLevel.Warning, "{Actor} force-repairs {Count} record(s) of {Tenant}/{Stream}, overwriting whatever version the destination holds: {Reason}")]
    public static partial void ForceRepairing(ILogger logger, string actor, int count, string tenant, string stream, string? reason);

    [LoggerMessage(7001, LogLevel.Information, "Retention deleted {Runs} run(s), {AuditEntries} audit entries and {DedupKeys} dedup key(s) in {Elapsed}")]
    public static partial void RetentionPassed(ILogger logger, long runs, long auditEntries, long dedupKeys, TimeSpan elapsed);

    [LoggerMessage(7002, LogLevel.Warning, "Retention stopped after deleting {Runs} run(s), {AuditEntries} audit entries and {DedupKeys} dedup key(s); the next pass continues")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, long runs, long auditEntries, long dedupKeys);
}
