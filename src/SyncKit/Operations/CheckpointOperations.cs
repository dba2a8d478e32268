using SyncKit.Diagnostics.Internal;
using SyncKit.Operations.Internal;

namespace SyncKit;

/// <summary>Shows and resets job checkpoints. Every reset is recorded in run history with who did it and why.</summary>
public sealed class CheckpointOperations
{
    private readonly SyncEngine _engine;

    /// <summary>Creates the operations.</summary>
    /// <param name="engine">The engine whose store, clock and logger they use.</param>
    public CheckpointOperations(SyncEngine engine) =>
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));

    /// <summary>Reads a job's checkpoint and how far it lags behind now.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The checkpoint; its lag is <see langword="null"/> when there is none or it has no timestamp.</returns>
    public async Task<CheckpointInfo> ShowAsync(JobId job, CancellationToken cancellationToken = default)
    {
        var services = _engine.Services;
        var position = await services.Store.Checkpoints.GetAsync(job, cancellationToken).ConfigureAwait(false);
        return new CheckpointInfo(job, position, services.TimeProvider.GetUtcNow() - position?.Timestamp);
    }

    /// <summary>
    /// Moves a job's checkpoint to <paramref name="position"/>, or removes it so the next run reads from the
    /// beginning, and records the reset in run history in the same transaction.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="position">The new checkpoint; <see langword="null"/> removes it.</param>
    /// <param name="actor">Who resets it.</param>
    /// <param name="reason">Why, for the record.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns>The run record of kind <see cref="RunKind.CheckpointReset"/>: <see cref="RunRecord.CursorFrom"/> is the old checkpoint, <see cref="RunRecord.CursorTo"/> the new one.</returns>
    /// <remarks>
    /// The reset has the job to itself in this engine: it waits for a run in progress to end, so no run's watermark
    /// overwrites it, and the next run starts from it. Hosts sharing jobs through leases reset through
    /// <see cref="SyncJobRunner.ResetCheckpointAsync"/>, which holds the job's lease.
    /// </remarks>
    public async Task<RunRecord> ResetAsync(JobId job, Cursor? position, string actor, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var services = _engine.Services;
        using var exclusive = await services.Gates.EnterAsync(job, RunKind.CheckpointReset, cancellationToken).ConfigureAwait(false);
        using var activity = SyncKitActivity.StartRun("synckit.checkpoint.reset", job, RunKind.CheckpointReset, out var runId);
        var transaction = await services.Store.BeginTransactionAsync(job, cancellationToken).ConfigureAwait(false);
        RunRecord record;
        await using (transaction.ConfigureAwait(false))
        {
            var previous = await services.Store.Checkpoints.GetAsync(job, cancellationToken).ConfigureAwait(false);
            if (position is null)
            {
                await transaction.Checkpoints.DeleteAsync(job, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await transaction.Checkpoints.SaveAsync(job, position, cancellationToken).ConfigureAwait(false);
            }

            var action = new OperatorAction(actor, reason, []);
            record = OperatorRuns.Create(runId, job, RunKind.CheckpointReset, services.TimeProvider.GetUtcNow(), action) with
            {
                CursorFrom = previous,
                CursorTo = position,
            };
            await transaction.Runs.SaveRunAsync(record, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        Log.CheckpointReset(services.Logger, actor, job.Tenant, job.Stream, record.CursorFrom, position, reason);
        return record;
    }
}
