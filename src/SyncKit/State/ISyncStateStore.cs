using System.Data.Common;
using SyncKit.State.Internal;

namespace SyncKit;

/// <summary>
/// The durable state a store package provides: checkpoints, dedup marks, dead letters and run history,
/// and transactions that commit changes to all of them (and to a destination in the same database) at once.
/// </summary>
public interface ISyncStateStore
{
    /// <summary>Checkpoints, each write committed on its own.</summary>
    ICheckpointStore Checkpoints { get; }

    /// <summary>Dedup marks, each write committed on its own.</summary>
    IDedupStore Dedup { get; }

    /// <summary>Dead letters, each write committed on its own.</summary>
    IDeadLetterStore DeadLetters { get; }

    /// <summary>Run history and audit, each write committed on its own.</summary>
    IRunHistoryStore Runs { get; }

    /// <summary>
    /// Starts a transaction for one job. Everything written through the transaction's stores, and by a
    /// destination through <see cref="IStateTransaction.DbTransaction"/>, commits together or not at all.
    /// </summary>
    /// <param name="job">The job writing; stores that fence concurrent owners check the job's lease at commit.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The open transaction; dispose it without committing to roll back.</returns>
    ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken);

    /// <summary>
    /// Reads what a health check needs of each job (<see cref="JobHealthInputs"/>) for many jobs at once: what a
    /// dashboard's overview of every job costs.
    /// </summary>
    /// <remarks>
    /// The default asks <see cref="Checkpoints"/>, <see cref="Runs"/> and <see cref="DeadLetters"/> job by job (nine
    /// reads each); stores override it with a few statements for the whole list. Latest means the greatest
    /// <see cref="RunRecord.StartedAt"/>, ties broken by the greater <see cref="RunRecord.RunId"/> (ordinal), as
    /// <see cref="IRunHistoryStore.QueryRunsAsync"/> orders runs.
    /// </remarks>
    /// <param name="jobs">The jobs; a job may repeat.</param>
    /// <param name="windowStart">Runs that started at or after this instant count in <see cref="JobHealthInputs.WindowCounts"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>One entry per job, in the order of <paramref name="jobs"/>.</returns>
    async ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var inputs = new JobHealthInputs[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            inputs[i] = await PerJobHealthInputs.ReadAsync(this, jobs[i], windowStart, cancellationToken).ConfigureAwait(false);
        }

        return inputs;
    }
}
