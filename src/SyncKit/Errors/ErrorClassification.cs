namespace SyncKit;

/// <summary>The class of a failure and, for rate limits, how long to wait.</summary>
/// <param name="Class">The failure's class.</param>
/// <param name="RetryAfter">The wait the other side asked for, if any.</param>
public readonly record struct ErrorClassification(ErrorClass Class, TimeSpan? RetryAfter = null);
