namespace SyncKit;

/// <summary>Classifies an exception thrown by a source or destination.</summary>
public interface IErrorClassifier
{
    /// <summary>Classifies <paramref name="exception"/>, or returns <see langword="null"/> to let the next classifier decide.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The classification, or <see langword="null"/> when this classifier does not know the exception.</returns>
    ErrorClassification? Classify(Exception exception);
}
