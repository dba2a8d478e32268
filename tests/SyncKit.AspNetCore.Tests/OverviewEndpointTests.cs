using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SyncKit.AspNetCore.Tests;

/// <summary>
/// The overview's header, anomalies, order, filters and pages, on the page and in <c>api/overview</c>, against the
/// seeded history of <see cref="DashboardHost"/> plus tenants with an unrun orders job (healthy, no lag).
/// </summary>
public sealed partial class OverviewEndpointTests : IAsyncLifetime
{
    // Unrun jobs are healthy: after globex (stalled) and acme (degraded) they sort by name, ordinal.
    private static readonly string[] Healthy = ["Acme-Labs", "initech", "umbrella", "wayne", "zorg"];
    private DashboardHost _host = null!;

    private static IEnumerable<string> WorstFirst => ["globex", "acme", .. Healthy.Order(StringComparer.Ordinal)];

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(moreOrderTenants: Healthy);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ApiOverview_SeededHistory_HeaderCoversEveryJob()
    {
        var summary = (await GetJsonAsync("/synckit/api/overview?limit=1")).GetProperty("summary");

        Counts(summary.GetProperty("tenantCounts")).Should().Equal(7, 5, 1, 1);
        Counts(summary.GetProperty("jobCounts")).Should().Equal(8, 6, 1, 1);
        summary.GetProperty("jobCounts").GetProperty("healthyPercent").GetDouble().Should().Be(75);
        summary.GetProperty("lagP50").GetString().Should().Be("00:01:00", "of the two jobs with a lag, acme/customers' 1 minute is the median by nearest rank");
        summary.GetProperty("lagP99").GetString().Should().Be("00:11:00", "acme/orders failed 10 minutes after its last success");
        summary.GetProperty("deadLetters").GetInt64().Should().Be(1);
        summary.GetProperty("deadLetterGrowth").GetInt64().Should().Be(0, "the monitor saw the queue first now: no growth yet");
        summary.GetProperty("jobsWithGrowingDeadLetters").GetInt32().Should().Be(0);
        summary.GetProperty("openBreakers").GetInt32().Should().Be(0);
        var anomalies = summary.GetProperty("anomalies").EnumerateArray()
            .Select(a => $"{a.GetProperty("job").GetProperty("tenant").GetString()}/{a.GetProperty("job").GetProperty("stream").GetString()} {a.GetProperty("kind").GetString()}")
            .ToList();
        anomalies.Should().Equal("globex/orders Stalled", "acme/orders ErrorBudgetBurn");
        summary.GetProperty("anomalyCount").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task ApiOverview_KeysetPages_AreDisjointAndCoverEveryTenantWorstFirst()
    {
        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = await GetJsonAsync("/synckit/api/overview?limit=3" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after)));
            var rows = page.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenant").GetString()!).ToList();
            rows.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
            page.GetProperty("matching").GetInt32().Should().Be(7);
            seen.AddRange(rows);
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        seen.Should().Equal(WorstFirst, "pages follow each other without overlap or gap");
    }

    [Theory]
    [InlineData("state=Stalled", new[] { "globex" })]
    [InlineData("state=Degraded", new[] { "acme" })]
    [InlineData("q=ACME", new[] { "acme", "Acme-Labs" })]
    [InlineData("state=Healthy&q=acme", new[] { "Acme-Labs" })]
    [InlineData("q=nobody", new string[0])]
    public async Task ApiOverview_Filter_ListsTheTenantsThatMatchWorstFirst(string query, string[] expected)
    {
        var page = await GetJsonAsync("/synckit/api/overview?" + query);

        page.GetProperty("tenants").EnumerateArray().Select(t => t.GetProperty("tenant").GetString()).Should().Equal(expected);
        page.GetProperty("matching").GetInt32().Should().Be(expected.Length);
        page.GetProperty("summary").GetProperty("tenantCounts").GetProperty("total").GetInt32().Should().Be(7, "the header covers every tenant, filtered or not");
    }

    [Theory]
    [InlineData("/synckit/api/overview?after=nonsense")]
    [InlineData("/synckit/api/overview?after=2:acme")]
    [InlineData("/synckit/?after=Sick:acme")]
    [InlineData("/synckit/?state=Sick")]
    [InlineData("/synckit/api/overview?state=1")]
    public async Task Overview_StateOrAfterNotAsListed_Answers400(string path)
    {
        using var client = _host.CreateClient();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task OverviewPage_SeededHistory_ShowsHeaderAnomaliesLinkingToTheJobAndTenantsWorstFirst()
    {
        var html = await GetHtmlAsync("/synckit/");

        Figure(html, "tenants").Should().Be("7: 5 healthy, 1 degraded, 1 stalled");
        Figure(html, "jobs").Should().Be("8: 6 healthy, 1 degraded, 1 stalled");
        Figure(html, "healthy").Should().Be("75 % of jobs");
        Figure(html, "lag").Should().Be("p50 1m 0s, p99 11m 0s");
        Figure(html, "dead-letters").Should().Be("1 in all; no queue growing");
        Figure(html, "breakers").Should().Be("0");
        html.Should().Contain("<tr data-job=\"globex/orders\" data-kind=\"Stalled\"><th scope=\"row\"><a href=\"/synckit/tenants/globex#job-orders\">")
            .And.Contain("<tr data-job=\"acme/orders\" data-kind=\"ErrorBudgetBurn\">").And.Contain("the error budget burns 8.33× as fast as allowed");
        Tenants(html).Should().Equal(WorstFirst);
        html.Should().NotContain("id=\"next-page\"", "seven tenants fit on a page of 50");
        (await GetHtmlAsync("/synckit/tenants/globex")).Should().Contain("<tr id=\"job-orders\" data-stream=\"orders\">", "the anomaly's link lands on the job's row");
    }

    [Fact]
    public async Task OverviewPage_FilterAndNextPageLinks_WalkTheMatchingTenants()
    {
        var first = await GetHtmlAsync("/synckit/?state=Healthy&q=a&limit=2");

        first.Should().Contain("<option value=\"Healthy\" selected>Healthy</option>").And.Contain("id=\"filter-q\" name=\"q\" type=\"search\" value=\"a\"");
        first.Should().Contain("2 of 3 tenant(s) matching the filter, worst first");
        Tenants(first).Should().Equal("Acme-Labs", "umbrella");
        var next = NextPage(first);
        next.Should().Be("/synckit/?state=Healthy&q=a&after=Healthy%3Aumbrella&limit=2");

        var second = await GetHtmlAsync(next!);

        Tenants(second).Should().Equal("wayne");
        NextPage(second).Should().BeNull();
        second.Should().Contain("<a id=\"first-page\" href=\"/synckit/?state=Healthy&q=a&limit=2\">First page</a>");
    }

    [Fact]
    public async Task OverviewPage_EmptyStateFromTheFormsAnyOption_ListsEveryState()
    {
        var html = await GetHtmlAsync("/synckit/?state=&q=");

        Tenants(html).Should().Equal(WorstFirst);
        html.Should().Contain("<option value=\"\">Any</option>");
    }

    private static int[] Counts(JsonElement counts) =>
        [.. new[] { "total", "healthy", "degraded", "stalled" }.Select(p => counts.GetProperty(p).GetInt32())];

    private static string Figure(string html, string name) =>
        Regex.Match(html, $"<dd data-figure=\"{name}\">([^<]*)</dd>").Groups[1].Value;

    private static List<string> Tenants(string html)
    {
        var table = html[html.IndexOf("<table id=\"tenants\">", StringComparison.Ordinal)..];
        return [.. TenantRow().Matches(table[..table.IndexOf("</table>", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value)];
    }

    private static string? NextPage(string html) => NextLink().Match(html) is { Success: true } m ? m.Groups[1].Value : null;

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = _host.CreateClient();
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should succeed", path);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> GetHtmlAsync(string path)
    {
        using var client = _host.CreateClient();
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should succeed", path);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<tr data-tenant=\"([^\"]+)\">")]
    private static partial Regex TenantRow();

    [GeneratedRegex("<a id=\"next-page\" href=\"([^\"]+)\"")]
    private static partial Regex NextLink();
}
