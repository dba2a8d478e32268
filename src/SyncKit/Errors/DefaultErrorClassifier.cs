using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace SyncKit;

/// <summary>
/// The classifier the engine uses: a <see cref="SyncException"/> says its own class; then the
/// connector's classifiers are asked in order; then the HTTP classifier; then well-known exceptions.
/// Anything still unknown is transient, so it is retried a bounded number of times and the run then
/// fails without moving the checkpoint: an unknown failure never dead-letters or loses records.
/// </summary>
public sealed class DefaultErrorClassifier : IErrorClassifier
{
    private readonly IReadOnlyList<IErrorClassifier> _classifiers;

    /// <summary>Creates the classifier.</summary>
    /// <param name="classifiers">The connector's classifiers, asked in order before the built-in rules.</param>
    /// <param name="timeProvider">The clock for HTTP-date <c>Retry-After</c> values.</param>
    public DefaultErrorClassifier(IEnumerable<IErrorClassifier>? classifiers = null, TimeProvider? timeProvider = null)
    {
        _classifiers = [.. classifiers ?? [], new HttpErrorClassifier(timeProvider)];
    }

    /// <summary>Classifies an exception; never returns <see langword="null"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The classification.</returns>
    public ErrorClassification ClassifyOrDefault(Exception exception) =>
        Classify(exception) ?? new ErrorClassification(ErrorClass.Transient);

    /// <inheritdoc />
    public ErrorClassification? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is SyncException sync)
        {
            return new ErrorClassification(sync.ErrorClass, sync.RetryAfter);
        }

        foreach (var classifier in _classifiers)
        {
            if (classifier.Classify(exception) is { } classification)
            {
                return classification;
            }
        }

        return exception switch
        {
            RateLimiterRejectedException rejected => new ErrorClassification(ErrorClass.RateLimited, rejected.RetryAfter),
            BrokenCircuitException broken => new ErrorClassification(ErrorClass.Transient, broken.RetryAfter),
            TimeoutRejectedException or TimeoutException or IOException => new ErrorClassification(ErrorClass.Transient),
            JsonException or FormatException => new ErrorClassification(ErrorClass.Validation),
            UnauthorizedAccessException => new ErrorClassification(ErrorClass.Authorization),
            _ => null,
        };
    }
}
