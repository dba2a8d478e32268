using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SyncKit.AspNetCore.Internal;

/// <summary>
/// The operator actions the dashboard offers, through the job runner, which holds the job (its lease, when hosts share
/// jobs) while it acts. Retries, discards, checkpoint resets and force repairs are recorded in run history with the
/// actor by the core; a replay writes nothing anywhere (the core promises it), and a pass run now is an ordinary pass
/// in run history, so who asked for them is logged instead.
/// </summary>
internal sealed class DashboardActions(SyncJobRunner runner, TimeProvider time, ILogger<DashboardActions>? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger<DashboardActions>.Instance;

    public Task<RunRecord> RetryAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, CancellationToken cancellationToken) =>
        runner.RetryDeadLettersAsync(job, recordKeys, actor, cancellationToken);

    public Task<RunRecord> DiscardAsync(JobId job, IReadOnlyList<DeadLetterId> entries, string actor, string? reason, CancellationToken cancellationToken) =>
        runner.DiscardDeadLettersAsync(job, entries, actor, reason, cancellationToken);

    public Task<RunRecord> ResetCheckpointAsync(JobId job, Cursor? position, string actor, string? reason, CancellationToken cancellationToken) =>
        runner.ResetCheckpointAsync(job, position, actor, reason, cancellationToken);

    public Task<RunRecord> ForceRepairAsync(JobId job, IReadOnlyList<string> recordKeys, string actor, string? reason, CancellationToken cancellationToken) =>
        runner.ForceRepairAsync(job, recordKeys, actor, reason, cancellationToken);

    public async Task<RunRecord> ReconcileAsync(JobId job, RunKind pass, CorrectionMode correction, string actor, CancellationToken cancellationToken)
    {
        var run = await runner.ReconcileNowAsync(job, pass, correction, cancellationToken).ConfigureAwait(false);
        Log.ReconciledNow(_logger, actor, job.Tenant, job.Stream, pass, correction, run.RunId, run.Outcome);
        return run;
    }

    public async Task<ReplayResult<string>> ReplayAsync(JobId job, DateTimeOffset from, DateTimeOffset to, string actor, CancellationToken cancellationToken)
    {
        var result = await runner.ReplayAsync(job, from, to, cancellationToken).ConfigureAwait(false);
        Log.Replayed(_logger, actor, job.Tenant, job.Stream, from, to, result.Operations.Count, time.GetUtcNow());
        return result;
    }
}
