using System.Net.Http.Json;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Posts welcome notifications to a webhook: <c>POST URL</c> with JSON <c>{"tenant","user_id","email"}</c> and
/// the header <c>Idempotency-Key: welcome:TENANT:USER_ID</c>, so a receiver can drop the repeat a crash inside the
/// send window may cause. A post is an effect outside the CRM database, so it never runs inside a batch's
/// transaction: the batch makes the welcome due, and the CRM database delivers it once the batch has committed, one
/// welcome at a time. A failed post throws a <see cref="SyncException"/>: 5xx, 429 and timeouts are retryable (the
/// welcome stays due), other answers reject the welcome (kept for an operator). Its messages show the webhook's URL
/// without credentials (<c>user:password@</c>, query values).
/// </summary>
public sealed class WebhookWelcomeSender
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly TimeProvider _time;
    private readonly HttpErrorClassifier _classifier;

    /// <summary>Creates the sender.</summary>
    /// <param name="http">The HTTP client.</param>
    /// <param name="url">The webhook.</param>
    /// <param name="timeProvider">The clock for the request timeout.</param>
    public WebhookWelcomeSender(HttpClient http, Uri url, TimeProvider? timeProvider = null)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _url = url ?? throw new ArgumentNullException(nameof(url));
        _time = timeProvider ?? TimeProvider.System;
        _classifier = new HttpErrorClassifier(_time);
    }

    /// <summary>Posts one notification.</summary>
    /// <param name="welcome">The notification.</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    /// <returns>A task that completes once the webhook accepted it.</returns>
    /// <exception cref="SyncException">The post failed; the class says whether it may be retried.</exception>
    public async Task SendAsync(WelcomeNotification welcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = JsonContent.Create(welcome, CrmJsonContext.Default.WelcomeNotification) };
        request.Headers.Add("Idempotency-Key", welcome.IdempotencyKey);
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SyncException(ErrorClass.Transient, $"The welcome webhook {Redact.Url(_url)} could not be reached: {Redact.Urls(ex.Message)}", innerException: ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var classification = _classifier.Classify(response);
                throw new SyncException(classification.Class, $"The welcome webhook {Redact.Url(_url)} answered {(int)response.StatusCode}.", classification.RetryAfter);
            }
        }
    }
}
