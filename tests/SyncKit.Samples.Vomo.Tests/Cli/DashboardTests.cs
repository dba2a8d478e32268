using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

public sealed class DashboardTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-dashboard-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task SyncWatch_Dashboard_ServesTheTenantsAndTheSyncKitMetricsOnLoopback()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 20 }, new TenantOptions { Name = "globex", Users = 10 } };
        await using var sim = await SimulatorHarness.StartAsync(tenants: tenants);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vomo:Cadence"] = "01:00:00",
            ["Vomo:ReplicaLag"] = "00:00:01",
        }).Build();
        var dashboard = new Uri($"http://127.0.0.1:{FreePort()}/synckit");
        string[] args = ["sync", "--watch", "--dashboard", dashboard.ToString(), "--vomo-url", sim.Simulator.BaseUrl.ToString(), "--store", $"sqlite:{_path}",
            "--token", $"acme={sim.Simulator.Tenant("acme").Token}", "--token", $"globex={sim.Simulator.Tenant("globex").Token}"];
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient();
        var output = new StringWriter();

        string overview, api, metrics;
        await using (new ClockPump(sim.Time, TimeSpan.FromMilliseconds(20)))
        {
            var watch = CommandLines.RunAsync(new CommandEnvironment(configuration, sim.Time, TextWriter.Synchronized(output)), args, stop.Token);

            // The first finished run is the first to count synckit.runs; until then the server may not be listening yet.
            metrics = string.Empty;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (!metrics.Contains("synckit_runs_total", StringComparison.Ordinal))
            {
                watch.IsCompleted.Should().BeFalse($"watch keeps serving: {output}");
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, timeout.Token);
                metrics = await TryGetAsync(http, DashboardHost.MetricsUrl(dashboard), timeout.Token);
            }

            overview = await http.GetStringAsync(dashboard);
            api = await http.GetStringAsync(new Uri(dashboard, "/synckit/api/tenants"));
            await stop.CancelAsync();
            (await watch.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(ExitCodes.Done, output.ToString());
        }

        output.ToString().Should().Contain($"Dashboard at {dashboard}").And.Contain("/metrics");
        overview.Should().Contain("acme").And.Contain("globex");
        api.Should().Contain("\"tenant\":\"acme\"").And.Contain("\"tenant\":\"globex\"");
        metrics.Should().Contain("synckit_records_read_total").And.Contain("synckit_records_written_total").And.Contain("acme");
        metrics.Should().NotContain(sim.Simulator.Tenant("acme").Token);
    }

    [Fact]
    public async Task Demo_Dashboard_ServesTheDemosTenantsAndMetricsAfterTheSummaryUntilStopped()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 20 }, new TenantOptions { Name = "globex", Users = 10 } };
        await using var sim = await SimulatorHarness.StartAsync(tenants: tenants);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Vomo:ReplicaLag"] = "00:00:01" }).Build();
        var dashboard = new Uri($"http://127.0.0.1:{FreePort()}/synckit");
        string[] args = ["demo", "--dashboard", dashboard.ToString(), "--vomo-url", sim.Simulator.BaseUrl.ToString(), "--store", $"sqlite:{_path}",
            "--token", $"acme={sim.Simulator.Tenant("acme").Token}", "--token", $"globex={sim.Simulator.Tenant("globex").Token}"];
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient();
        var output = new StringWriter();
        var writer = TextWriter.Synchronized(output);
        string Output()
        {
            // The synchronized writer locks itself around every write.
            lock (writer)
            {
                return output.ToString();
            }
        }

        string overview, api, metrics, afterStop;
        await using (new ClockPump(sim.Time, TimeSpan.FromMilliseconds(20)))
        {
            var demo = CommandLines.RunAsync(new CommandEnvironment(configuration, sim.Time, writer), args, stop.Token);

            // The demo's cycle ends with the summary; the dashboard then stays up for a person to look.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            while (!Output().Contains("Ctrl+C stops.", StringComparison.Ordinal))
            {
                demo.IsCompleted.Should().BeFalse($"the demo serves the dashboard until stopped: {Output()}");
                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, timeout.Token);
            }

            overview = await http.GetStringAsync(dashboard);
            api = await http.GetStringAsync(new Uri(dashboard, "/synckit/api/tenants"));
            metrics = await http.GetStringAsync(DashboardHost.MetricsUrl(dashboard));
            demo.IsCompleted.Should().BeFalse("the dashboard stays up after the summary");
            await stop.CancelAsync();
            (await demo.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(ExitCodes.Done, Output());
            afterStop = await TryGetAsync(http, dashboard, CancellationToken.None);
        }

        Output().Should().Contain($"Dashboard at {dashboard}").And.Contain("/metrics").And.Contain("Run summary:").And.Contain($"The dashboard stays at {dashboard}");
        overview.Should().Contain("acme").And.Contain("globex");
        api.Should().Contain("\"tenant\":\"acme\"").And.Contain("\"tenant\":\"globex\"");
        metrics.Should().Contain("synckit_runs_total").And.Contain("synckit_records_written_total").And.Contain("acme").And.Contain("globex");
        metrics.Should().NotContain(sim.Simulator.Tenant("acme").Token);
        afterStop.Should().BeEmpty("the server stopped with the demo");
    }

    [Fact]
    public async Task Process_DemoDashboard_ServesAfterTheSummaryThenStopsOnSigintWithExit0()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 20 }, new TenantOptions { Name = "globex", Users = 10 } };
        await using var sim = await SimulatorHarness.StartAsync(tenants: tenants);
        var dashboard = new Uri($"http://127.0.0.1:{FreePort()}/synckit");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["Vomo__ReplicaLag"] = "00:00:01" },
        };
        foreach (var argument in new[] { SampleProcess.Program, "demo", "--dashboard", dashboard.ToString(), "--vomo-url", sim.Simulator.BaseUrl.ToString(),
            "--store", $"sqlite:{_path}", "--token", $"acme={sim.Simulator.Tenant("acme").Token}", "--token", $"globex={sim.Simulator.Tenant("globex").Token}" })
        {
            start.ArgumentList.Add(argument);
        }

        using var http = new HttpClient();
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        string overview, metrics, afterExit;
        try
        {
            await using (new ClockPump(sim.Time, TimeSpan.FromMilliseconds(20)))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    output.AppendLine(line);
                    if (line.Contains("Ctrl+C stops.", StringComparison.Ordinal))
                    {
                        break;
                    }
                }

                overview = await http.GetStringAsync(dashboard, timeout.Token);
                metrics = await http.GetStringAsync(DashboardHost.MetricsUrl(dashboard), timeout.Token);
                using (var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await interrupt.WaitForExitAsync(timeout.Token);
                }

                output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
                await process.WaitForExitAsync(timeout.Token);
                afterExit = await TryGetAsync(http, dashboard, timeout.Token);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        process.ExitCode.Should().Be(ExitCodes.Done, $"{output}{await error}");
        output.ToString().Should().Contain($"Dashboard at {dashboard}").And.Contain("Run summary:");
        overview.Should().Contain("acme").And.Contain("globex");
        metrics.Should().Contain("synckit_runs_total").And.Contain("acme");
        afterExit.Should().BeEmpty("the dashboard stops with the process");
    }

    [Theory]
    [InlineData("http://localhost:5080/synckit", "http://localhost:5080/synckit")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/synckit")]
    [InlineData("http://[::1]:5080/ops/", "http://[::1]:5080/ops/")]
    public void Parse_LoopbackUrl_IsTheDashboardAddress(string value, string expected)
    {
        DashboardHost.Parse(value).Should().Be(new Uri(expected));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080/synckit", "must be a loopback address")]
    [InlineData("http://example.com/synckit", "must be a loopback address")]
    [InlineData("https://127.0.0.1:5080/synckit", "must be an absolute http URL")]
    [InlineData("synckit", "must be an absolute http URL")]
    public void Parse_NotALoopbackHttpUrl_ThrowsUsageNamingTheProblem(string value, string message)
    {
        FluentActions.Invoking(() => DashboardHost.Parse(value)).Should().Throw<UsageException>().WithMessage($"*{message}*");
    }

    [Fact]
    public async Task Process_NonLoopbackDashboard_ExitsWith2NamingTheHost()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [SampleProcess.Program,
            "sync", "--watch", "--vomo-url", "http://vomo.invalid/v1", "--token", "acme=t", "--store", $"sqlite:{_path}", "--dashboard", "http://192.168.1.10:5080/synckit"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(ExitCodes.BadArguments);
        error.Trim().Should().StartWith("error: '--dashboard' must be a loopback address").And.Contain("192.168.1.10").And.NotContain(" at ");
        File.Exists(_path).Should().BeFalse("nothing is opened before the arguments are checked");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The body, or empty while the server is not listening yet.</summary>
    private static async Task<string> TryGetAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetStringAsync(url, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }
}
