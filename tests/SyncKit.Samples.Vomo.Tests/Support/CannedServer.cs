using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>A server on loopback that answers every request with the same status and body: a VOMO gone wrong.</summary>
public sealed class CannedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CannedServer(WebApplication app)
    {
        _app = app;
        BaseUrl = new Uri($"{app.Urls.Single().TrimEnd('/')}/v1/");
    }

    public Uri BaseUrl { get; }

    public static async Task<CannedServer> StartAsync(int status, string body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body);
        });
        await app.StartAsync();
        return new CannedServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
