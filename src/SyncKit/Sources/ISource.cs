namespace SyncKit;

/// <summary>
/// Reads changes from a system the host does not control, one page at a time, in ascending
/// position order.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <remarks>
/// <para>
/// A page is a single call so the engine can retry it, rate-limit it and guard it with a circuit
/// breaker. Reading must have no side effects: the engine may re-read any page after a failure, and
/// re-reads everything from <c>checkpoint − lookback</c> at the start of each run.
/// </para>
/// <para>
/// A lookback alone cannot make a SQL source right. A row becomes visible when its transaction commits but
/// carries the time the transaction stamped on it, and commit order is not timestamp order: a transaction held
/// open, or a short one waiting on another's row lock, commits rows stamped behind changes already read, and a
/// lookback catches only those less late than itself. A timestamp can even go backwards (a transaction stamped
/// earlier waits on a lock and overwrites a version stamped later), and a destination that skips older writes
/// then refuses the final version at any lookback. Neither the run nor health can see such a miss; only
/// reconciliation finds it. A SQL source should read only below its database's visibility horizon, the start of
/// the oldest transaction still open, and report it (<see cref="SourcePage{T}.Horizon"/>) so health shows a
/// horizon an open transaction holds back: for PostgreSQL tables, <c>SyncKit.Postgres</c>'s
/// <c>PostgresTableSource&lt;T&gt;</c> does, with no lookback.
/// </para>
/// </remarks>
public interface ISource<T>
{
    /// <summary>Reads the next page of changes strictly after <paramref name="after"/>.</summary>
    /// <param name="after">The position to read after; <see langword="null"/> reads from the beginning.</param>
    /// <param name="context">The job and the page size the engine asks for.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page; <see cref="SourcePage{T}.HasMore"/> says whether to keep reading.</returns>
    ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken);
}
