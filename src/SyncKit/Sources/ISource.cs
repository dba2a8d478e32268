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

/// <summary>What the engine tells a source about the read it asks for.</summary>
/// <param name="Job">The job reading.</param>
/// <param name="PageSize">The number of records the engine would like per page; a source may return fewer or more.</param>
public readonly record struct SourceReadContext(JobId Job, int PageSize)
{
    /// <summary>
    /// The job's <see cref="SyncJobOptions.Lookback"/>. The engine applies it to plain cursors itself; a source whose
    /// positions are windows (cursors with <see cref="Cursor.Progress"/>, which the engine does not rewind) opens
    /// each new window this far before its anchor.
    /// </summary>
    public TimeSpan Lookback { get; init; }
}

/// <summary>One change read from a source.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Key">The record's external key. Changes to one key are applied in read order.</param>
/// <param name="Position">The record's position; the checkpoint moves to it once the record is durably handled.</param>
/// <param name="Value">The record.</param>
public readonly record struct SourceRecord<T>(string Key, Cursor Position, T Value);

/// <summary>A page of changes.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Records">
/// The records, in ascending position order. The engine reads from this list until its records are written, so
/// it must not change after the page is returned.
/// </param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="Next">
/// Where the next page starts, when that is not simply the last record's position (an offset inside a
/// window, or progress through an empty window). Once every record of the page is handled, the
/// checkpoint may move to it.
/// </param>
public sealed record SourcePage<T>(IReadOnlyList<SourceRecord<T>> Records, bool HasMore, Cursor? Next = null)
{
    /// <summary>An empty, final page.</summary>
    public static SourcePage<T> Empty { get; } = new([], false);

    /// <summary>
    /// The source's visibility horizon when it read this page: it read nothing stamped at or after it, because changes
    /// there may still be committing. Reported by sources that read only below a horizon (a SQL table source); the
    /// run keeps the last page's.
    /// </summary>
    /// <value>Default <see langword="null"/>: the source reads up to whatever it sees.</value>
    public SourceHorizon? Horizon { get; init; }
}
