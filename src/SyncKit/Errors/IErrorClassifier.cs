namespace SyncKit;

/// <summary>Classifies an exception thrown by a source or destination.</summary>
public interface IErrorClassifier
{
    /// <summary>Classifies <paramref name="exception"/>, or returns <see langword="null"/> to let the next classifier decide.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The classification, or <see langword="null"/> when this classifier does not know the exception.</returns>
    ErrorClassification? Classify(Exception exception);
}

/// <summary>The class of a failure and, for rate limits, how long to wait.</summary>
/// <param name="Class">The failure's class.</param>
/// <param name="RetryAfter">The wait the other side asked for, if any.</param>
public readonly record struct ErrorClassification(ErrorClass Class, TimeSpan? RetryAfter = null);

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
