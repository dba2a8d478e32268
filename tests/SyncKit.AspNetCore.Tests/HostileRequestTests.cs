using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SyncKit.AspNetCore.Internal;

namespace SyncKit.AspNetCore.Tests;

/// <summary>
/// Requests a hostile web page can make through the victim's browser: a DNS name re-pointed at 127.0.0.1, a form or
/// script posting from another site, a page framed or sniffed; and names that routing would otherwise mangle.
/// </summary>
public sealed partial class HostileRequestTests : IAsyncLifetime
{
    private const string SlashTenant = "north/eu";
    private DashboardHost _host = null!;

    public static TheoryData<string, string> Routes { get; } = new()
    {
        { "GET", "/synckit" },
        { "GET", "/synckit/tenants/acme" },
        { "GET", "/synckit/tenants/nobody" },
        { "GET", "/synckit/dead-letters" },
        { "GET", "/synckit/api/tenants" },
        { "GET", "/synckit/?state=Degraded&q=ac&after=Stalled:globex" },
        { "GET", "/synckit/api/overview?state=Degraded&q=ac" },
        { "GET", "/synckit/api/antiforgery" },
        { "GET", "/synckit/health" },
        { "POST", "/synckit/api/checkpoints/reset" },
    };

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(moreOrderTenants: SlashTenant);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Request_ReboundHostNameWithoutPolicy_IsRefused(string method, string path)
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Host = "attacker.example:5080";

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("loopback name or address");
    }

    [Theory]
    [InlineData("127.0.0.1:5080", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("localhost:5080", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("localhost.", true)]
    [InlineData("dash.localhost:5080", true)]
    [InlineData("[::1]:5080", true)]
    [InlineData("attacker.example:5080", false)]
    [InlineData("localhost.attacker.example", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("10.0.0.5:5080", false)]
    [InlineData("", false)]
    public void IsLoopbackHost_Host_AcceptsOnlyLoopbackNamesAndAddresses(string host, bool expected) =>
        RequestOrigin.IsLoopbackHost(host.Length == 0 ? default : new HostString(host)).Should().Be(expected);

    [Theory]
    [InlineData("Origin", "http://attacker.example:5080")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    public async Task Post_FromAnotherSiteWithValidToken_IsRefusedAndChangesNothing(string header, string value)
    {
        using var api = new ApiClient(_host.CreateClient());
        await api.UseAntiforgeryTokenAsync();
        api.Http.DefaultRequestHeaders.Add(header, value);

        using var response = await api.PostAsync("/synckit/api/checkpoints/reset", new { tenant = "acme", stream = "orders" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).Should().Contain("another site");
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default))!.Id.Should().Be("12");
    }

    [Theory]
    [InlineData(true, "same-origin")]
    [InlineData(true, null)]
    [InlineData(false, "same-origin")]
    public async Task Post_FromTheDashboardsOwnOrigin_IsServed(bool ownOrigin, string? site)
    {
        using var api = new ApiClient(_host.CreateClient());
        await api.UseAntiforgeryTokenAsync();

        // A browser that says same-origin is believed even when its privacy settings send "Origin: null".
        api.Http.DefaultRequestHeaders.Add("Origin", ownOrigin ? _host.BaseAddress.GetLeftPart(UriPartial.Authority) : "null");
        if (site is not null)
        {
            api.Http.DefaultRequestHeaders.Add("Sec-Fetch-Site", site);
        }

        using var response = await api.PostAsync("/synckit/api/checkpoints/reset", new { tenant = "acme", stream = "orders" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default)).Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Response_AnyRoute_CarriesTheSecurityHeaders(string method, string path)
    {
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await client.SendAsync(request);

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        csp.Should().Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-inline").And.NotContain("script-src");
        response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
        response.Headers.GetValues("Referrer-Policy").Single().Should().Be("same-origin");
        response.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
    }

    [Fact]
    public async Task Page_InlineStyleSheet_IsTheOneTheContentSecurityPolicyAdmits()
    {
        using var client = _host.CreateClient();

        using var response = await client.GetAsync("/synckit/tenants/acme");

        var html = await response.Content.ReadAsStringAsync();
        html.Should().NotContain("<script").And.NotContain(" style=\"");
        var styles = StyleElement().Matches(html);
        styles.Should().ContainSingle();
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(styles[0].Groups[1].Value)));
        response.Headers.GetValues("Content-Security-Policy").Single().Should().Contain($"style-src 'sha256-{hash}'");
    }

    [Fact]
    public async Task TenantPage_NameWithSlash_IsReachableFromItsLink()
    {
        using var client = _host.CreateClient();
        var overview = await client.GetStringAsync("/synckit");
        var link = TenantLink().Matches(overview).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Single(href => href.Contains("north", StringComparison.Ordinal));

        using var page = await client.GetAsync(link);
        using var api = await client.GetAsync("/synckit/api/tenants/" + Uri.EscapeDataString(SlashTenant));

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("north/eu");
        api.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    [GeneratedRegex("href=\"(/synckit/tenants/[^\"]+)\"")]
    private static partial Regex TenantLink();
}
