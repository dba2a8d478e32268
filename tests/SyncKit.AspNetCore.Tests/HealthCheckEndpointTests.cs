using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SyncKit.Testing;

namespace SyncKit.AspNetCore.Tests;

/// <summary><c>AddHealthChecks().AddSyncKit()</c> in a web app that maps health checks but not the dashboard.</summary>
public sealed class HealthCheckEndpointTests
{
    [Fact]
    public async Task MapHealthChecks_WithoutTheDashboard_AnswersTheJobsHealth()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSyncKit(kit => kit
            .ConfigureScheduler(s => s.Enabled = false)
            .AddJob<TestRecord>("orders", job => job
                .ForTenants("acme")
                .UseSource((_, _) => new ScriptedSource<TestRecord>())
                .UseDestination((_, _) => new CollectingDestination<TestRecord>(r => r.Version))));
        builder.Services.AddHealthChecks().AddSyncKit();
        await using var app = builder.Build();
        app.MapHealthChecks("/healthz");
        await app.StartAsync();
        await app.Services.GetRequiredService<SyncJobRunner>().RunAsync(new JobId("acme", "orders"));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the health check registers the monitor it judges with");
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
        await app.StopAsync();
    }
}
