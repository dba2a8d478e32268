using System.Net;
using System.Text;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>Answers every request with a canned response (or hangs until cancelled) and records the requests.</summary>
public sealed class CannedHandler(Func<HttpRequestMessage, HttpResponseMessage?> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        if (answer(request) is { } response)
        {
            return response;
        }

        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}
