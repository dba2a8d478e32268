namespace SyncKit;

/// <summary>
/// An exception a connector throws to say exactly how a failure should be treated; every built-in
/// classifier honours it.
/// </summary>
public class SyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorClass">The failure's class.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="retryAfter">The wait the other side asked for, if any.</param>
    /// <param name="innerException">The underlying failure.</param>
    public SyncException(ErrorClass errorClass, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorClass = errorClass;
        RetryAfter = retryAfter;
    }

    /// <summary>The failure's class.</summary>
    public ErrorClass ErrorClass { get; }

    /// <summary>The wait the other side asked for, if any.</summary>
    public TimeSpan? RetryAfter { get; }
}
