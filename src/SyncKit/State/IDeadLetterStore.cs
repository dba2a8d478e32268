namespace SyncKit;

/// <summary>
/// The durable dead-letter queue: records that failed, with their payload, so they are re-driven on a
/// backoff schedule and parked for an operator after a bounded number of attempts.
/// </summary>
/// <remarks>
/// <para>
/// A store keeps at most one entry per job and record key: the failure at the latest position, positions ordered by
/// <see cref="Cursor.CompareTo"/>. Applying a record's latest version supersedes its earlier ones, so an entry is never
/// replaced by the failure of an earlier position, nor changed by a caller that read an entry at another position:
/// the later version would then be in neither the destination nor the queue.
/// </para>
/// <para>
/// Writes say what their caller means. <see cref="AddAsync"/> records new failures, as a run finds them.
/// <see cref="UpdateAsync"/> and <see cref="RemoveAsync"/> change entries their caller read (a re-drive, an operator)
/// and apply only while the stored entry is still at the position read. Each call decides against the stored entries
/// and writes as one atomic step (in a transaction, as part of it), so a concurrent writer cannot slip in between.
/// </para>
/// </remarks>
public interface IDeadLetterStore
{
    /// <summary>Records new failures, each against the entry stored for its job and record key (see <see cref="DeadLetter.MergeInto"/>).</summary>
    /// <remarks>
    /// With no entry stored, or one at an earlier position, the failure is stored as given. At the same position (the
    /// same version failing again, as when a run re-reads it inside its lookback) the stored entry keeps its attempts,
    /// status, first failure and next attempt, so it still parks after the bounded attempts. An entry at a later position
    /// is kept as it is. Entries of one key in one call apply in order.
    /// </remarks>
    /// <param name="entries">The failures.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entries are written (durable once their transaction commits).</returns>
    ValueTask AddAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites entries that were read: a re-drive rescheduling or parking them, an operator making them due. Each
    /// replaces the stored entry of its job and record key only while that entry is at the same position.
    /// </summary>
    /// <param name="entries">The entries as they should now be stored.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were rewritten; an entry whose record failed again at another position since is left alone.</returns>
    ValueTask<int> UpdateAsync(IReadOnlyList<DeadLetter> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Removes entries of a job that were read (resolved by a re-drive, discarded by an operator), each only while
    /// the stored entry of its record key is at the given position.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="entries">The entries, by record key and position.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many entries were removed; an entry whose record failed again at another position since is kept.</returns>
    ValueTask<int> RemoveAsync(JobId job, IReadOnlyList<DeadLetterId> entries, CancellationToken cancellationToken);

    /// <summary>Lists entries matching a query, oldest next attempt first.</summary>
    /// <param name="query">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    ValueTask<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterQuery query, CancellationToken cancellationToken);

    /// <summary>Counts a job's entries.</summary>
    /// <param name="job">The job.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>How many entries the job has, parked ones included.</returns>
    ValueTask<int> CountAsync(JobId job, CancellationToken cancellationToken);
}
