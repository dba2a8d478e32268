using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>Every exit code of the sample README's contract, and bad input: the documented code and a message naming the problem, never a token or a stack trace.</summary>
public sealed class ExitCodeTests
{
    /// <summary>Fails fast on the real clock: few quick retries, a breaker that opens after two failures.</summary>
    private static readonly Action<SyncJobOptions> FailFast = o =>
    {
        o.MaxRetryAttempts = 3;
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(5);
        o.RetryMaxDelay = TimeSpan.FromMilliseconds(20);
        o.CircuitBreaker.MinimumThroughput = 2;
        o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
    };

    /// <summary>Quick retries and a breaker that stays closed, so the run's error is the last failure itself.</summary>
    private static readonly Action<SyncJobOptions> RetriesOnly = o =>
    {
        FailFast(o);
        o.CircuitBreaker.MinimumThroughput = 1_000;
    };

    [Theory]
    [InlineData(new[] { "sync", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "sync", "--vomo-url", "http://127.0.0.1:9/v1", "--token", "acme" }, "'--token' must be NAME=TOKEN")]
    [InlineData(new[] { "status", "--store", "mysql:db" }, "'--store' must be sqlite:PATH or postgres:CONNECTION_STRING")]
    [InlineData(new[] { "reconcile", "--mode", "sideways" }, "'--mode' must be incremental or full, not 'sideways'")]
    // The store creates a missing directory, so the path runs through a device where no directory can be made.
    [InlineData(new[] { "status", "--store", "sqlite:/dev/null/vomo.db" }, "'--store' cannot be opened: The SQLite state store '/dev/null/vomo.db'")]
    public async Task Process_BadArguments_Exits2WithOneLineNamingTheProblemAndNoStackTrace(string[] args, string message)
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [SampleProcess.Program, .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(ExitCodes.BadArguments);
        error.Trim().Should().StartWith($"error: {message}").And.NotContain(" at ").And.NotContain("Exception");
    }

    [Theory]
    [InlineData(new[] { "replay", "--tenant", "acme", "--resource", "users", "--from", "yesterday", "--to", "2026-01-01T00:00:00Z" }, "'--from' must be an ISO 8601 timestamp")]
    [InlineData(new[] { "replay", "--tenant", "acme", "--resource", "users", "--from", "2026-01-02T00:00:00Z", "--to", "2026-01-01T00:00:00Z" }, "'--to' (2026-01-01T00:00:00Z) must be later than '--from'")]
    [InlineData(new[] { "backfill", "--tenant", "acme", "--resource", "users", "--to", "2026-01-01T00:00:00Z" }, "Option '--from' is required")]
    [InlineData(new[] { "backfill", "--tenant", "acme", "--resource", "members", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z" }, "'--resource' must be one of users, projects, groups, not 'members'")]
    [InlineData(new[] { "replay", "--resource", "users", "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z" }, "'replay' needs --tenant")]
    [InlineData(new[] { "checkpoint", "show", "--tenant", "acme" }, "Option '--resource' is required")]
    [InlineData(new[] { "checkpoint", "show", "--tenant", "acme", "--resource", "users", "--to", "2026-01-01T00:00:00Z" }, "Unrecognized command or argument '--to'")]
    [InlineData(new[] { "runs", "list", "--limit", "0" }, "'--limit' must be a whole number from 1")]
    [InlineData(new[] { "sync", "--webhook", "mailto:x@y" }, "'--webhook' must be an absolute http(s) URL")]
    [InlineData(new[] { "push-groups", "--tenant", "acme" }, "Option '--file' is required")]
    [InlineData(new[] { "push-groups", "--tenant", "acme", "--file", "/nonexistent/groups.json" }, "'--file /nonexistent/groups.json' cannot be read")]
    public async Task Commands_BadOptions_Exit2NamingTheOption(string[] args, string message)
    {
        await using var cli = await CliHarness.StartAsync(users: 1, projects: 1, groups: 1);

        string[] full = args.Contains("--store")
            ? [.. args, "--vomo-url", cli.Sim.Simulator.BaseUrl.ToString(), "--token", $"acme={cli.Sim.Tenant.Token}"]
            : [.. args, .. cli.CommonArguments()];

        var (exitCode, output) = await cli.RunRawAsync(full);

        exitCode.Should().Be(ExitCodes.BadArguments, output);
        output.Should().Contain($"error: {message}").And.NotContain(cli.Sim.Tenant.Token).And.NotContain("hunter2");
    }

    [Theory]
    [InlineData(TokenState.Revoked, "401")]
    [InlineData(TokenState.Forbidden, "403")]
    public async Task Reconcile_TokenRefused_Exits3NamingTheStatusWithoutTheToken(TokenState state, string status)
    {
        await using var cli = await CliHarness.StartAsync(users: 5, projects: 1, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        cli.Sim.Tenant.TokenState = state;

        var (exitCode, output) = await cli.RunAsync("reconcile", "--mode", "full");

        exitCode.Should().Be(ExitCodes.AccessDenied);
        output.Should().Contain("acme/users").And.Contain("Stopped").And.Contain(status).And.NotContain(cli.Sim.Tenant.Token);
    }

    [Fact]
    public async Task Sync_SourceAlwaysUnavailable_Exits4NamingTheFailure()
    {
        await using var cli = await CliHarness.StartAsync(users: 5, projects: 1, groups: 1, faults: new FaultOptions { Unavailable = 1 });

        var (exitCode, output) = await cli.RunRawAsync(["sync", .. cli.CommonArguments()], TimeProvider.System, FailFast);

        exitCode.Should().Be(ExitCodes.SourceUnavailable, output);
        output.Should().Contain("acme/users").And.Contain("Failed").And.Contain("circuit is now open");
    }

    [Fact]
    public async Task Sync_UnreachableUrl_Exits4NamingTheUnreachableCall()
    {
        await using var cli = await CliHarness.StartAsync(users: 1, projects: 1, groups: 1);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exitCode, output) = await cli.RunRawAsync(["sync", "--vomo-url", $"http://127.0.0.1:{port}/v1", "--token", "acme=secret-token", "--store", cli.Store], TimeProvider.System, RetriesOnly);

        exitCode.Should().Be(ExitCodes.SourceUnavailable, output);
        output.Should().Contain("acme/users").And.Contain("could not be reached").And.NotContain("secret-token");
    }

    [Fact]
    public async Task Sync_MalformedJsonFromTheServer_Exits4NamingTheUnreadableAnswer()
    {
        await using var cli = await CliHarness.StartAsync(users: 1, projects: 1, groups: 1);
        await using var server = await CannedServer.StartAsync(200, "{\"data\": [ {\"id\": ");

        var (exitCode, output) = await cli.RunRawAsync(["sync", "--vomo-url", server.BaseUrl.ToString(), "--token", "acme=secret-token", "--store", cli.Store], TimeProvider.System, RetriesOnly);

        exitCode.Should().Be(ExitCodes.SourceUnavailable, output);
        output.Should().Contain("acme/users").And.Contain("JSON the connector cannot read").And.NotContain("secret-token");
    }
}
