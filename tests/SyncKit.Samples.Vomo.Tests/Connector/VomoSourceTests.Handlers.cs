using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Connector;

/// <summary>HTTP handlers that gate, count and fail the connector's requests.</summary>
public sealed partial class VomoSourceTests
{
    /// <summary>
    /// Holds every page request but a first page until <c>opensAt</c> are in flight at once, and counts the most that ever
    /// were: reads one at a time would never open it (and fail after 30 s rather than hang).
    /// </summary>
    private sealed class GatedHandler(int opensAt) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inFlight;
        private int _most;

        public int MostInFlight => Volatile.Read(ref _most);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            RaiseMost(now);
            try
            {
                if (now >= opensAt)
                {
                    _open.TrySetResult();
                }

                var query = request.RequestUri!.Query;
                if (query.Contains("page=", StringComparison.Ordinal) && !query.EndsWith("page=1", StringComparison.Ordinal))
                {
                    await _open.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, cancellationToken);
                }

                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        private void RaiseMost(int value)
        {
            var most = Volatile.Read(ref _most);
            while (value > most && Interlocked.CompareExchange(ref _most, value, most) is var seen && seen != most)
            {
                most = seen;
            }
        }
    }

    /// <summary>Counts the requests that reach the server, and those still waiting for their answer.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _sent;
        private int _inFlight;

        public int Sent => Volatile.Read(ref _sent);

        public int InFlight => Volatile.Read(ref _inFlight);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _sent);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                return response;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    /// <summary>Answers the first request for one path and query with a <c>500</c> before it reaches the server.</summary>
    private sealed class FailFirstHandler(string pathAndQuery) : DelegatingHandler
    {
        public bool Failed { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (this)
            {
                if (!Failed && request.RequestUri!.PathAndQuery == pathAndQuery)
                {
                    Failed = true;
                    return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError) { Content = new StringContent("{\"message\":\"Server Error\"}") });
                }
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
