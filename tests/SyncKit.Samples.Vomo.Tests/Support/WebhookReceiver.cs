using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>A webhook on loopback that records every POST (its Idempotency-Key and body) and answers <see cref="Status"/>.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app)
    {
        _app = app;
        Url = new Uri($"{app.Urls.Single().TrimEnd('/')}/hooks/welcome");
    }

    public Uri Url { get; }

    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>Every request received, with the status it was answered.</summary>
    public ConcurrentQueue<(string? IdempotencyKey, string Body, int Status)> Received { get; } = new();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hooks/welcome", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver!.Status;
            receiver.Received.Enqueue((context.Request.Headers["Idempotency-Key"].SingleOrDefault(), body, status));
            receiver._arrived.Release();
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        return receiver = new WebhookReceiver(app);
    }

    /// <summary>Waits until what was received satisfies <paramref name="condition"/>, checking again on every request.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyCollection<(string? IdempotencyKey, string Body, int Status)>, bool> condition, CancellationToken cancellationToken)
    {
        while (!condition(Received))
        {
            await _arrived.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
