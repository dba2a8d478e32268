using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using SyncKit.AspNetCore;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// <c>--dashboard URL</c>: the host of <c>sync --watch</c> or <c>demo</c> as a web application on that loopback address only, serving SyncKit's
/// operations dashboard under the URL's path and the <c>SyncKit</c> meter as a Prometheus scrape at <c>/metrics</c>.
/// </summary>
internal static class DashboardHost
{
    /// <summary>Where the dashboard lives when the URL has no path.</summary>
    private const string DefaultPath = "/synckit";

    /// <summary>The dashboard's address from <c>--dashboard</c>: an http URL on a loopback host, with a path.</summary>
    /// <exception cref="UsageException">The URL is not an absolute http URL on localhost, 127.0.0.0/8 or ::1.</exception>
    public static Uri Parse(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
        {
            throw new UsageException($"'--dashboard' must be an absolute http URL such as http://127.0.0.1:5080/synckit, not '{Redact.Urls(value)}'.");
        }

        // The dashboard acts on the sync (retry, discard, checkpoint reset) and has no sign-in: it never leaves the machine.
        if (!url.IsLoopback)
        {
            throw new UsageException($"'--dashboard' must be a loopback address (localhost, 127.0.0.1 or [::1]), not '{url.Host}': the dashboard has no sign-in.");
        }

        return url.AbsolutePath == "/" ? new Uri(url, DefaultPath) : url;
    }

    /// <summary>
    /// A web application bound to <paramref name="url"/>'s host and port only, with the services
    /// <paramref name="configure"/> adds (<c>AddSyncKit</c> among them), the dashboard and the metrics endpoint.
    /// </summary>
    public static WebApplication Build(Uri url, Action<IHostApplicationBuilder> configure)
    {
        // The empty builder reads no settings of its own (no ASPNETCORE_URLS): the sample's configuration is all there is.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            if (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address))
            {
                kestrel.Listen(address, url.Port);
            }
            else
            {
                kestrel.ListenLocalhost(url.Port);
            }
        });
        builder.Services.AddRoutingCore();
        configure(builder);
        builder.Services.AddSyncKitDashboard(options => options.Title = "VOMO sync");
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(SyncKitDiagnostics.Name).AddPrometheusExporter());

        var app = builder.Build();
        app.UseRouting();
        app.MapSyncKitDashboard(url.AbsolutePath);
        app.MapPrometheusScrapingEndpoint();
        return app;
    }

    /// <summary>Tells where the dashboard and the scrape endpoint are.</summary>
    public static Task WriteAddressAsync(TextWriter output, Uri dashboard) =>
        output.WriteLineAsync($"Dashboard at {dashboard} (local requests only); Prometheus metrics at {MetricsUrl(dashboard)}.");

    /// <summary>The scrape endpoint's address next to the dashboard's.</summary>
    public static Uri MetricsUrl(Uri dashboard) => new(dashboard, "/metrics");
}
