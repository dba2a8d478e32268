namespace SyncKit;

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
