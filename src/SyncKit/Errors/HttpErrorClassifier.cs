using System.Net;
using System.Net.Http.Headers;

namespace SyncKit;

/// <summary>
/// Maps HTTP status codes to <see cref="ErrorClass"/> and reads <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// 401 → authentication, 403 → authorization, 404 and 410 → not-found, 400 and 422 → validation,
/// 409 and 412 → conflict, 408 and 5xx → transient, 429 → rate-limited, any other 4xx → permanent.
/// A 503 with <c>Retry-After</c> is rate-limited: the server said when to come back.
/// </remarks>
public sealed class HttpErrorClassifier : IErrorClassifier
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the classifier.</summary>
    /// <param name="timeProvider">The clock used to turn an HTTP-date <c>Retry-After</c> into a wait.</param>
    public HttpErrorClassifier(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>Classifies a status code.</summary>
    /// <param name="statusCode">The response status.</param>
    /// <returns>The class.</returns>
    public static ErrorClass ClassOf(HttpStatusCode statusCode) => (int)statusCode switch
    {
        401 => ErrorClass.Authentication,
        403 => ErrorClass.Authorization,
        404 or 410 => ErrorClass.NotFound,
        400 or 422 => ErrorClass.Validation,
        409 or 412 => ErrorClass.Conflict,
        408 => ErrorClass.Transient,
        429 => ErrorClass.RateLimited,
        >= 500 => ErrorClass.Transient,
        _ => ErrorClass.Permanent,
    };

    /// <summary>Classifies a failed response, reading its <c>Retry-After</c> header.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The classification.</returns>
    public ErrorClassification Classify(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var retryAfter = ReadRetryAfter(response.Headers.RetryAfter);
        var errorClass = ClassOf(response.StatusCode);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null)
        {
            errorClass = ErrorClass.RateLimited;
        }

        return new ErrorClassification(errorClass, retryAfter);
    }

    /// <inheritdoc />
    public ErrorClassification? Classify(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => new ErrorClassification(ClassOf(status)),
        HttpRequestException => new ErrorClassification(ErrorClass.Transient),
        _ => null,
    };

    /// <summary>Turns a <c>Retry-After</c> header (seconds or an HTTP date) into a wait; never negative.</summary>
    /// <param name="header">The header, if present.</param>
    /// <returns>The wait, or <see langword="null"/> when there is no usable header.</returns>
    public TimeSpan? ReadRetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
