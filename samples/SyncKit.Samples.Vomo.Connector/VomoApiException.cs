using System.Net;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>
/// A failed VOMO call, already classified per VOMO's error table, so the engine retries, dead-letters or stops
/// the tenant without guessing: 401 authentication, 403 authorization, 404 not-found, 409 conflict,
/// 422 validation, 429 rate-limited (with <c>Retry-After</c>), 500/503, timeouts and dropped connections transient.
/// </summary>
public sealed class VomoApiException : SyncException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errorClass">The failure's class.</param>
    /// <param name="message">What failed, naming the call (never the token).</param>
    /// <param name="statusCode">The HTTP status, when VOMO answered.</param>
    /// <param name="retryAfter">VOMO's <c>Retry-After</c>, if sent.</param>
    /// <param name="fieldErrors">The field errors of a <c>422</c>.</param>
    /// <param name="innerException">The underlying failure.</param>
    public VomoApiException(
        ErrorClass errorClass,
        string message,
        HttpStatusCode? statusCode = null,
        TimeSpan? retryAfter = null,
        IReadOnlyDictionary<string, string[]>? fieldErrors = null,
        Exception? innerException = null)
        : base(errorClass, message, retryAfter, innerException)
    {
        StatusCode = statusCode;
        FieldErrors = fieldErrors ?? new Dictionary<string, string[]>();
    }

    /// <summary>The HTTP status, or <see langword="null"/> when no answer arrived (timeout, dropped connection).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The field errors of a <c>422</c>, by field.</summary>
    public IReadOnlyDictionary<string, string[]> FieldErrors { get; }

    /// <summary>
    /// Whether the request may have taken effect although no answer arrived (a lost response): a retry of a
    /// call that is not idempotent, such as <c>POST /groups</c>, must look before it creates again.
    /// </summary>
    public bool OutcomeUnknown => StatusCode is null;
}
