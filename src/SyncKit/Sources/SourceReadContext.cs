namespace SyncKit;

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
