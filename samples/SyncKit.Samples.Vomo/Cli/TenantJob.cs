using System.Text.Json;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>One job of a tenant, with its record type hidden, so a command runs an operation over users, projects and groups alike.</summary>
internal abstract class TenantJob
{
    public abstract JobId Id { get; }

    /// <summary>The options the job runs with.</summary>
    public abstract SyncJobOptions Options { get; }

    public abstract Task<RunRecord> RunAsync(SyncEngine engine, CancellationToken cancellationToken);

    public abstract Task<RunRecord> ReconcileAsync(SyncReconciler reconciler, bool full, CorrectionMode correction, CancellationToken cancellationToken);

    public abstract Task<(RunRecord Run, IReadOnlyList<ReplayLine> Operations)> ReplayAsync(WindowOperations windows, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    public abstract Task<RunRecord> BackfillAsync(WindowOperations windows, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    public abstract Task<RunRecord> RetryDeadLettersAsync(DeadLetterOperations deadLetters, IReadOnlyList<string> keys, string actor, CancellationToken cancellationToken);
}

/// <summary>One operation a replay would run, as printed: what, to which record, its change time, the record as VOMO sent it.</summary>
internal sealed record ReplayLine(string Job, string Action, string Key, DateTimeOffset? UpdatedAt, JsonElement Record);

/// <inheritdoc />
internal sealed class TenantJob<T>(SyncJob<T> job) : TenantJob
{
    public override JobId Id => job.Id;

    public override SyncJobOptions Options => job.Options;

    public override Task<RunRecord> RunAsync(SyncEngine engine, CancellationToken cancellationToken) => engine.RunAsync(job, cancellationToken);

    public override Task<RunRecord> ReconcileAsync(SyncReconciler reconciler, bool full, CorrectionMode correction, CancellationToken cancellationToken) =>
        full ? reconciler.ReconcileFullAsync(job, correction, cancellationToken) : reconciler.ReconcileIncrementalAsync(job, correction, cancellationToken);

    public override async Task<(RunRecord Run, IReadOnlyList<ReplayLine> Operations)> ReplayAsync(WindowOperations windows, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var result = await windows.ReplayAsync(job, from, to, cancellationToken).ConfigureAwait(false);
        var lines = result.Operations
            .Select(o => new ReplayLine(job.Id.ToString(), o.Action.ToString(), o.Record.Key, o.Record.Position.Timestamp, JsonDocument.Parse(job.Serializer.Serialize(o.Record.Value)).RootElement.Clone()))
            .ToList();
        return (result.Run, lines);
    }

    public override Task<RunRecord> BackfillAsync(WindowOperations windows, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        windows.BackfillAsync(job, from, to, cancellationToken);

    public override Task<RunRecord> RetryDeadLettersAsync(DeadLetterOperations deadLetters, IReadOnlyList<string> keys, string actor, CancellationToken cancellationToken) =>
        deadLetters.RetryNowAsync(job, keys, actor, cancellationToken);
}
