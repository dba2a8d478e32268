using System.Text.Json;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>Passes requests to the simulator, records each one with the ids it returned, and can act after a response.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    public RecordingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    public List<(string PathAndQuery, IReadOnlyList<long> Ids)> Calls { get; } = [];

    public Action<string>? AfterResponse { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var pathAndQuery = request.RequestUri!.PathAndQuery;
        IReadOnlyList<long> ids = [];
        if (response.IsSuccessStatusCode && text.StartsWith("{\"data\":[", StringComparison.Ordinal))
        {
            ids = JsonDocument.Parse(text).RootElement.Ids();
        }

        lock (Calls)
        {
            Calls.Add((pathAndQuery, ids));
        }

        AfterResponse?.Invoke(pathAndQuery);
        return response;
    }
}
