using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SyncKit.AspNetCore.Internal;

namespace SyncKit.AspNetCore.Tests;

/// <summary>Who gets served: loopback only by default; with an authorization policy, whoever the policy admits.</summary>
public sealed class SecurityTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string NonLocal = "203.0.113.7";

    public static TheoryData<string, string> Routes { get; } = new()
    {
        { "GET", "/synckit" },
        { "GET", "/synckit/tenants/acme" },
        { "GET", "/synckit/dead-letters" },
        { "GET", "/synckit/replay" },
        { "GET", "/synckit/api/tenants" },
        { "GET", "/synckit/?state=Degraded&q=ac&after=Stalled:globex" },
        { "GET", "/synckit/api/overview?state=Degraded&q=ac" },
        { "GET", "/synckit/api/antiforgery" },
        { "GET", "/synckit/health" },
        { "POST", "/synckit/api/dead-letters/discard" },
        { "POST", "/synckit/dead-letters/discard" },
        { "POST", "/synckit/api/force-repair" },
        { "POST", "/synckit/reconcile" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Request_NonLocalWithoutPolicy_IsRefused(string method, string path)
    {
        var host = fixture.Host;
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add(DashboardHost.RemoteAddressHeader, NonLocal);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("RequireAuthorization");
        (await host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(1);
    }

    [Fact]
    public async Task Request_NonLocalWithPolicy_IsChallengedUntilAuthenticatedThenServed()
    {
        await using var host = await StartWithPolicyAsync();
        using var client = host.CreateClient();
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/synckit/api/tenants");
        anonymous.Headers.Add(DashboardHost.RemoteAddressHeader, NonLocal);
        using var authenticated = new HttpRequestMessage(HttpMethod.Get, "/synckit/api/tenants");
        authenticated.Headers.Add(DashboardHost.RemoteAddressHeader, NonLocal);
        authenticated.Headers.Add(HeaderAuthentication.UserHeader, "bob");

        using var refused = await client.SendAsync(anonymous);
        using var served = await client.SendAsync(authenticated);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        served.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Action_NonLocalAuthenticatedUser_IsRecordedUnderTheirName()
    {
        await using var host = await StartWithPolicyAsync();
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(DashboardHost.RemoteAddressHeader, NonLocal);
        client.DefaultRequestHeaders.Add(HeaderAuthentication.UserHeader, "bob");
        using var api = new ApiClient(client);
        await api.UseAntiforgeryTokenAsync();

        var listed = new { recordKey = "12", position = new { timestamp = DashboardHost.T0.AddSeconds(12), id = "12" } };

        using var response = await api.PostAsync("/synckit/api/dead-letters/discard", new { tenant = "acme", stream = "orders", entries = new[] { listed } });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = await host.Store.Runs.GetRunAsync((await ApiClient.JsonAsync(response)).GetProperty("runId").GetString()!, default);
        OperatorAction.FromRun(stored!)!.Actor.Should().Be("bob");
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::ffff:10.0.0.5", false)]
    [InlineData("2001:db8::1", false)]
    public void IsLoopback_Address_ServesOnlyLoopback(string address, bool expected) =>
        LocalRequestFilter.IsLoopback(IPAddress.Parse(address)).Should().Be(expected);

    [Fact]
    public void IsServed_UnknownRemoteAddressWithoutPolicy_IsRefused()
    {
        var context = new DefaultHttpContext();

        LocalRequestFilter.IsServed(context).Should().BeFalse("a request whose origin is unknown is not known to be local");
    }

    [Fact]
    public void MapSyncKitDashboard_WithoutAddSyncKitDashboard_ThrowsNamingTheCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSyncKit();
        var app = builder.Build();

        var map = () => app.MapSyncKitDashboard("/synckit");

        map.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("AddSyncKitDashboard");
    }

    private static Task<DashboardHost> StartWithPolicyAsync() =>
        DashboardHost.StartAsync(
            configureDashboard: dashboard => dashboard.RequireAuthorization("operators"),
            configureHost: builder =>
            {
                builder.Services.AddAuthentication(HeaderAuthentication.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
                builder.Services.AddAuthorization(o => o.AddPolicy("operators", p => p.RequireAuthenticatedUser()));
            },
            configurePipeline: app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
            });

    /// <summary>Authenticates whoever names themselves in a header: enough to tell the dashboard's policy handling apart.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Header";
        public const string UserHeader = "X-Test-User";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(UserHeader, out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
