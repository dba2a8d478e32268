using System.Net;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Simulator;

/// <summary>Tokens, the per-token budget and the injected faults.</summary>
public sealed class SimulatorAccessAndFaultTests
{
    [Fact]
    public async Task AnyRequest_MissingUnknownOrRevokedToken_Answers401AndForbiddenAnswers403()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var (unknown, body) = await sim.GetAsync("users", token: "nope");
        sim.Tenant.TokenState = TokenState.Forbidden;
        var (forbidden, _) = await sim.GetAsync("users");
        sim.Tenant.TokenState = TokenState.Revoked;
        var (revoked, _) = await sim.GetAsync("users");
        var missing = await sim.Http.GetAsync(new Uri(sim.Simulator.BaseUrl, "users"));

        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        body.GetProperty("message").GetString().Should().Be("Unauthenticated.");
        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        revoked.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        missing.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnyRequest_BudgetSpent_Answers429WithRetryAfterUntilTheBucketRefills()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 5 }, new TenantOptions { Name = "globex", Users = 5 } };
        await using var sim = await SimulatorHarness.StartAsync(rateLimit: new RateLimitOptions { PermitsPerSecond = 2, Burst = 3 }, tenants: tenants);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await sim.GetAsync("users")).Response.StatusCode);
        }

        var (limited, _) = await sim.GetAsync("users");
        var (otherTenant, _) = await sim.GetAsync("users", sim.Simulator.Tenant("globex").Token);
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        var (refilled, _) = await sim.GetAsync("users");

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        otherTenant.StatusCode.Should().Be(HttpStatusCode.OK, "each token has its own budget");
        refilled.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Faults_SameSeedAndRequests_MeetTheSameFaultsAndSwitchingThemOffEndsThem()
    {
        var faults = new FaultOptions { ServerErrors = 0.2, Unavailable = 0.2, DroppedConnections = 0.2 };
        var first = await OutcomesAsync(seed: 3, faults);
        var again = await OutcomesAsync(seed: 3, faults);
        var otherSeed = await OutcomesAsync(seed: 4, faults);

        again.Should().Equal(first);
        otherSeed.Should().NotEqual(first);
        first.Should().Contain(["500", "503", "dropped", "200"]);
        first.Where(o => o == "503+retry-after").Should().NotBeEmpty();

        await using var sim = await SimulatorHarness.StartAsync(faults: faults);
        sim.Simulator.Faults = FaultOptions.None;
        for (var i = 0; i < 20; i++)
        {
            (await sim.GetAsync($"users?page={i % 3 + 1}")).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task AnyRequest_SlowResponseFault_AnswersOnlyOnceTheDelayPassesOnTheSimulatorsClock()
    {
        await using var sim = await SimulatorHarness.StartAsync(faults: new FaultOptions { SlowResponses = 1, SlowResponseDelay = TimeSpan.FromSeconds(30) });
        var started = sim.Time.GetUtcNow();

        var response = sim.GetAsync("users");
        await Clock.AdvanceUntilAsync(sim.Time, response, TimeSpan.FromSeconds(1));

        (await response).Response.StatusCode.Should().Be(HttpStatusCode.OK);
        (sim.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30));
    }

    private static async Task<List<string>> OutcomesAsync(int seed, FaultOptions faults)
    {
        await using var sim = await SimulatorHarness.StartAsync(seed: seed, faults: faults);
        var outcomes = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            try
            {
                var (response, _) = await sim.GetAsync($"users?page={i % 3 + 1}");
                outcomes.Add((int)response.StatusCode + (response.Headers.RetryAfter is null ? string.Empty : "+retry-after"));
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                outcomes.Add("dropped");
            }
        }

        return outcomes;
    }
}
