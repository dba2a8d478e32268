using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Simulator;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>A simulator on a fake clock, with raw HTTP and typed clients for its tenants.</summary>
public sealed class SimulatorHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private SimulatorHarness(VomoSimulator simulator, FakeTimeProvider time, HttpClient http)
    {
        Simulator = simulator;
        Time = time;
        Http = http;
    }

    public VomoSimulator Simulator { get; }

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public SimulatedTenant Tenant => Simulator.Tenants[0];

    /// <summary>Starts a one-tenant simulator on a fake clock: consistent reads, no budget, no faults, no live changes unless asked.</summary>
    public static async Task<SimulatorHarness> StartAsync(
        int users = 40,
        int projects = 5,
        int groups = 4,
        double bulkImportShare = 0.5,
        TimeSpan? maxLag = null,
        RateLimitOptions? rateLimit = null,
        FaultOptions? faults = null,
        ChangeOptions? changes = null,
        int seed = 7,
        HttpMessageHandler? handler = null,
        IReadOnlyList<TenantOptions>? tenants = null)
    {
        var time = new FakeTimeProvider(T0);
        var simulator = await VomoSimulator.StartAsync(
            new SimulatorOptions
            {
                Seed = seed,
                Tenants = tenants ?? [new TenantOptions { Name = "acme", Users = users, Projects = projects, Groups = groups, BulkImportShare = bulkImportShare }],
                MaxReplicaLag = maxLag ?? TimeSpan.Zero,
                RateLimit = rateLimit,
                Faults = faults ?? FaultOptions.None,
                Changes = changes ?? new ChangeOptions { StartImmediately = false },
            },
            time);
        return new SimulatorHarness(simulator, time, handler is null ? new HttpClient() : new HttpClient(handler));
    }

    public VomoClient Client(TimeSpan? requestTimeout = null, RateLimiter? budget = null) =>
        new(Http, new VomoConnection(Tenant.Token, Simulator.BaseUrl) { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30) }, Time, budget);

    /// <summary>Sends a raw request with the tenant's token (or <paramref name="token"/>).</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string relative, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Simulator.BaseUrl, relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Tenant.Token);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Simulator.DisposeAsync();
    }
}
