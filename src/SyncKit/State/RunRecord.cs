namespace SyncKit;

/// <summary>The evidence one run leaves.</summary>
/// <param name="RunId">The run id; also the run's trace id.</param>
/// <param name="Job">The job.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended; <see langword="null"/> while running.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="CursorFrom">The checkpoint it started from (before lookback); for runs over a window, the window's start.</param>
/// <param name="CursorTo">The checkpoint it left; for runs over a window, the window's end.</param>
/// <param name="Counts">What it counted.</param>
/// <param name="ErrorsByClass">Failures by class.</param>
/// <param name="SampleRecordKeys">A few keys of records it handled, for tracing.</param>
/// <param name="Error">Why it failed or stopped, when it did.</param>
public sealed record RunRecord(
    string RunId,
    JobId Job,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    RunOutcome Outcome,
    Cursor? CursorFrom,
    Cursor? CursorTo,
    RunCounts Counts,
    IReadOnlyDictionary<ErrorClass, long> ErrorsByClass,
    IReadOnlyList<string> SampleRecordKeys,
    string? Error)
{
    private readonly string? _error = ErrorText.Clean(Error);

    /// <summary>Why it failed or stopped, when it did; cleaned by <see cref="ErrorText.Clean"/> (no control characters, at most <see cref="ErrorText.MaxLength"/> characters).</summary>
    public string? Error
    {
        get => _error;
        init => _error = ErrorText.Clean(value);
    }

    /// <summary>What the run did.</summary>
    /// <value>Default <see cref="RunKind.Sync"/>.</value>
    public RunKind Kind { get; init; } = RunKind.Sync;

    /// <summary>
    /// A JSON document describing the run, written by its kind (a reconciliation pass's report, an
    /// operator action's who and why). Stores keep it verbatim.
    /// </summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? Report { get; init; }

    /// <summary>
    /// The source's visibility horizon as of the run's last page (<see cref="SourcePage{T}.Horizon"/>): changes stamped
    /// at or after it were left for a later run. Health measures lag from it.
    /// </summary>
    /// <value>Default <see langword="null"/>: the source reports none.</value>
    public SourceHorizon? Horizon { get; init; }
}
