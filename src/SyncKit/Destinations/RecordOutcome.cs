namespace SyncKit;

/// <summary>The outcome of one record in a batch.</summary>
public readonly record struct RecordOutcome
{
    private RecordOutcome(RecordOutcomeKind kind, ErrorClass errorClass, string? error, TimeSpan? retryAfter)
    {
        Kind = kind;
        ErrorClass = errorClass;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>The record was written.</summary>
    public static RecordOutcome Written { get; } = new(RecordOutcomeKind.Written, default, null, null);

    /// <summary>The record was stale and skipped.</summary>
    public static RecordOutcome Skipped { get; } = new(RecordOutcomeKind.Skipped, default, null, null);

    /// <summary>The record's one-time effect had already happened.</summary>
    public static RecordOutcome Deduplicated { get; } = new(RecordOutcomeKind.Deduplicated, default, null, null);

    /// <summary>How the record was handled.</summary>
    public RecordOutcomeKind Kind { get; }

    /// <summary>The failure class when <see cref="Kind"/> is <see cref="RecordOutcomeKind.Failed"/>.</summary>
    public ErrorClass ErrorClass { get; }

    /// <summary>The failure message when <see cref="Kind"/> is <see cref="RecordOutcomeKind.Failed"/>.</summary>
    public string? Error { get; }

    /// <summary>How long the destination asked to wait before retrying, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The record failed.</summary>
    /// <param name="errorClass">The failure's class, which decides retry, dead-letter or stop.</param>
    /// <param name="error">A message naming what is wrong.</param>
    /// <param name="retryAfter">How long the destination asked to wait, if it said.</param>
    /// <returns>The outcome.</returns>
    public static RecordOutcome Failed(ErrorClass errorClass, string error, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(RecordOutcomeKind.Failed, errorClass, error, retryAfter);
    }
}
