using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace SyncKit.AspNetCore.Tests;

/// <summary>Every page and read route, against real Kestrel on loopback and a seeded history (see <see cref="DashboardHost"/>).</summary>
public sealed class ReadEndpointTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task ApiTenants_SeededHistory_SummarisesEachTenantByItsWorstJob()
    {
        var tenants = await GetJsonAsync("/synckit/api/tenants");

        tenants.GetArrayLength().Should().Be(2);
        var acme = tenants[0];
        acme.GetProperty("tenant").GetString().Should().Be("acme");
        acme.GetProperty("status").GetString().Should().Be("Degraded");
        acme.GetProperty("jobs").GetInt32().Should().Be(2);
        acme.GetProperty("deadLetters").GetInt32().Should().Be(1);
        acme.GetProperty("lag").GetString().Should().Be("00:11:00", "orders failed 10 minutes after its last success, and a minute passed since");
        acme.GetProperty("lastSuccessAt").GetDateTimeOffset().Should().Be(DashboardHost.T0.AddMinutes(21));
        acme.GetProperty("breaker").GetString().Should().Be("Closed");
        acme.GetProperty("errorBudgetBurn").GetDouble().Should().BeApproximately(100.0 / 12, 0.01, "1 of 12 records failed against a 1% budget");
        var globex = tenants[1];
        globex.GetProperty("tenant").GetString().Should().Be("globex");
        globex.GetProperty("status").GetString().Should().Be("Stalled");
        globex.GetProperty("lastSuccessAt").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task OverviewPage_SeededHistory_ShowsEveryTenantAtAGlance()
    {
        var html = await GetHtmlAsync("/synckit");

        html.Should().Contain("<title>Tenants · SyncKit</title>").And.Contain("<h1>Tenants</h1>");
        var acme = Row(html, "data-tenant=\"acme\"");
        acme.Should().Contain("href=\"/synckit/tenants/acme\"").And.Contain("status-degraded").And.Contain("11m 0s")
            .And.Contain("2026-03-01 08:21:00Z").And.Contain(">1</a>").And.Contain("Closed").And.Contain("8.33×");
        Row(html, "data-tenant=\"globex\"").Should().Contain("status-stalled").And.Contain("never");
    }

    [Fact]
    public async Task ApiTenant_SeededHistory_ReturnsJobsLagRunsErrorsAndReports()
    {
        var tenant = await GetJsonAsync("/synckit/api/tenants/acme");

        var jobs = tenant.GetProperty("jobs");
        jobs.EnumerateArray().Select(j => j.GetProperty("job").GetProperty("stream").GetString()).Should().Equal("customers", "orders");
        jobs[1].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain(r => r!.Contains("upstream answered 500"));
        jobs[1].GetProperty("checkpoint").GetProperty("id").GetString().Should().Be("12");

        var orders = tenant.GetProperty("lag")[1];
        orders.GetProperty("stream").GetString().Should().Be("orders");
        orders.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("lagSeconds").GetDouble()).Should().Equal(0, 0, 0, 600);
        orders.GetProperty("points")[3].GetProperty("runId").GetString().Should().Be(Host.Runs["orders-4"]);

        tenant.GetProperty("recentRuns").EnumerateArray().Select(r => r.GetProperty("runId").GetString())
            .Should().BeEquivalentTo(Host.Runs.Where(p => p.Key != "globex-1").Select(p => p.Value));
        tenant.GetProperty("errorsByClass").GetProperty("Validation").GetInt64().Should().Be(2, "run 3 dead-lettered record 12 and run 4 failed to re-drive it");
        tenant.GetProperty("errorsByClass").GetProperty("Permanent").GetInt64().Should().Be(1);
        var report = tenant.GetProperty("reconciliations").EnumerateArray().Single();
        report.GetProperty("runId").GetString().Should().Be(Host.Runs["reconcile"]);
        report.GetProperty("report").GetProperty("checked").GetInt64().Should().Be(11);
    }

    [Fact]
    public async Task TenantPage_SeededHistory_ShowsJobsChartRunsErrorsAndReports()
    {
        var html = await GetHtmlAsync("/synckit/tenants/acme");

        html.Should().Contain("<h1>Tenant acme</h1>");
        Row(html, "data-stream=\"orders\"").Should().Contain("status-degraded").And.Contain("2026-03-01 08:00:12Z #12");
        html.Should().Contain("<svg class=\"lag-chart\" data-stream=\"orders\"").And.Contain("<polyline class=\"lag\"");
        html.Should().Contain($"href=\"/synckit/runs/{Host.Runs["orders-3"]}\"");
        html.Should().Contain("<th scope=\"row\">Validation</th><td class=\"num\">2</td>");
        html.Should().Contain("<table id=\"reconciliations\">").And.Contain($"href=\"/synckit/runs/{Host.Runs["reconcile"]}\"");
        html.Should().Contain("name=\"__RequestVerificationToken\"", "the checkpoint reset forms carry the antiforgery token");
    }

    [Fact]
    public async Task ApiLag_SeededHistory_PlotsEachRegularRunsEnd()
    {
        var lag = await GetJsonAsync("/synckit/api/tenants/acme/lag");

        var points = lag[1].GetProperty("points").EnumerateArray().ToList();
        points.Select(p => p.GetProperty("at").GetDateTimeOffset()).Should().BeInAscendingOrder().And.HaveCount(4);
        lag[1].GetProperty("stalledAfter").GetString().Should().Be("00:20:00");
    }

    [Fact]
    public async Task ApiRuns_FilteredByStreamAndKind_ReturnsOnlyMatchingRunsNewestFirst()
    {
        var runs = await GetJsonAsync("/synckit/api/tenants/acme/runs?stream=orders&kind=Sync");

        runs.EnumerateArray().Select(r => r.GetProperty("runId").GetString())
            .Should().Equal(Host.Runs["orders-4"], Host.Runs["orders-3"], Host.Runs["orders-2"], Host.Runs["orders-1"]);
        runs[1].GetProperty("counts").GetProperty("deadLettered").GetInt64().Should().Be(1);
        runs[1].GetProperty("cursorFrom").GetProperty("id").GetString().Should().Be("11");
        runs[1].GetProperty("cursorTo").GetProperty("id").GetString().Should().Be("12");
    }

    [Fact]
    public async Task ApiRun_OperatorAction_ReturnsWhoAndWhy()
    {
        var run = await GetJsonAsync($"/synckit/api/runs/{Host.Runs["reset"]}");

        run.GetProperty("run").GetProperty("kind").GetString().Should().Be("CheckpointReset");
        run.GetProperty("action").GetProperty("actor").GetString().Should().Be("alice");
        run.GetProperty("action").GetProperty("reason").GetString().Should().Be("re-read record 2");
    }

    [Fact]
    public async Task ApiRun_DeadLetteringRun_ReturnsItsAuditTrail()
    {
        var run = await GetJsonAsync($"/synckit/api/runs/{Host.Runs["orders-3"]}");

        var entry = run.GetProperty("audit").EnumerateArray().Single();
        entry.GetProperty("recordKey").GetString().Should().Be("12");
        entry.GetProperty("action").GetString().Should().Be("dead-lettered");
    }

    [Fact]
    public async Task ApiRun_RunWithMoreRecordsThanItsSample_ReturnsEveryAuditEntry()
    {
        var run = await GetJsonAsync($"/synckit/api/runs/{Host.Runs["orders-1"]}");

        run.GetProperty("run").GetProperty("sampleRecordKeys").GetArrayLength().Should().BeLessThan(10, "the trail must not come from the sample");
        run.GetProperty("audit").EnumerateArray().Select(e => e.GetProperty("recordKey").GetString()).Should().BeEquivalentTo(Keys(1, 10));
        run.GetProperty("audit").EnumerateArray().Should().OnlyContain(e => e.GetProperty("action").GetString() == "written");
        run.GetProperty("auditNext").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task ApiRun_LimitBelowTheTrail_PagesThroughEveryEntryOnce()
    {
        var keys = new List<string>();
        var sizes = new List<int>();
        string? after = null;
        do
        {
            var run = await GetJsonAsync($"/synckit/api/runs/{Host.Runs["orders-1"]}?limit=4{(after is null ? string.Empty : $"&after={after}")}");
            var audit = run.GetProperty("audit").EnumerateArray().Select(e => e.GetProperty("recordKey").GetString()!).ToList();
            keys.AddRange(audit);
            sizes.Add(audit.Count);
            var next = run.GetProperty("auditNext");
            after = next.ValueKind == JsonValueKind.Null ? null : next.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        while (after is not null && sizes.Count < 10);

        sizes.Should().Equal(4, 4, 2);
        keys.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(Keys(1, 10));
    }

    [Fact]
    public async Task RunPage_RunWithMoreRecordsThanItsSample_ShowsEveryAuditEntry()
    {
        var html = await GetHtmlAsync($"/synckit/runs/{Host.Runs["orders-1"]}");

        foreach (var key in Keys(1, 10))
        {
            html.Should().Contain($"<td><code>{key}</code></td><td>written</td>");
        }

        html.Should().NotContain("id=\"audit-next\"", "the whole trail fits the default page");
    }

    [Fact]
    public async Task RunPage_TrailLongerThanAPage_LinksPageByPageToEveryEntry()
    {
        await using var host = await DashboardHost.StartAsync(configureHost: b => b.Services.Configure<SyncKitDashboardOptions>(o => o.RunAuditPageSize = 6));
        using var client = host.CreateClient();

        var first = WebUtility.HtmlDecode(await client.GetStringAsync($"/synckit/runs/{host.Runs["orders-1"]}"));
        var next = System.Text.RegularExpressions.Regex.Match(first, "id=\"audit-next\" href=\"([^\"#]+)#audit\"").Groups[1].Value;
        var second = WebUtility.HtmlDecode(await client.GetStringAsync(next));

        next.Should().StartWith($"/synckit/runs/{host.Runs["orders-1"]}?after=");
        var onFirst = Keys(1, 10).Where(k => first.Contains($"<td><code>{k}</code></td>", StringComparison.Ordinal)).ToList();
        var onSecond = Keys(1, 10).Where(k => second.Contains($"<td><code>{k}</code></td>", StringComparison.Ordinal)).ToList();
        onFirst.Should().HaveCount(6);
        onSecond.Should().HaveCount(4).And.NotIntersectWith(onFirst);
        second.Should().NotContain("id=\"audit-next\"").And.Contain("First entries");
    }

    [Fact]
    public async Task RunPage_OperatorAction_ShowsActorAndCursors()
    {
        var html = await GetHtmlAsync($"/synckit/runs/{Host.Runs["reset"]}");

        html.Should().Contain($"<h1>Run {Host.Runs["reset"]}</h1>").And.Contain("<dd id=\"actor\">alice at 2026-03-01 08:31:00Z</dd>")
            .And.Contain("CheckpointReset").And.Contain("<code>2026-03-01 08:00:02Z #2</code> → <code>2026-03-01 08:00:01Z #1</code>");
    }

    [Fact]
    public async Task RunPage_DeadLetteringRun_ShowsTheAuditTrail()
    {
        var html = await GetHtmlAsync($"/synckit/runs/{Host.Runs["orders-3"]}");

        html.Should().Contain("<h2 id=\"audit\">Audit trail</h2>").And.Contain("<td><code>12</code></td><td>dead-lettered</td>");
    }

    [Fact]
    public async Task RunPage_ReconciliationRun_ShowsTheReport()
    {
        var html = await GetHtmlAsync($"/synckit/runs/{Host.Runs["reconcile"]}");

        html.Should().Contain("<h2>Reconciliation report</h2>").And.Contain("<dt>Checked</dt><dd>11</dd>");
    }

    [Fact]
    public async Task ApiDeadLetters_SeededHistory_ListsTheEntryWithItsPayload()
    {
        var entries = await GetJsonAsync("/synckit/api/dead-letters?tenant=acme");

        var entry = entries.EnumerateArray().Single();
        entry.GetProperty("recordKey").GetString().Should().Be("12");
        entry.GetProperty("errorClass").GetString().Should().Be("Validation");
        entry.GetProperty("lastError").GetString().Should().Be("amount must be positive");
        entry.GetProperty("payload").GetString().Should().Contain("\"id\":\"12\"");
        (await GetJsonAsync("/synckit/api/dead-letters?tenant=globex")).GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task DeadLettersPage_SeededHistory_ListsEntriesWithRetryAndDiscardForms()
    {
        var html = await GetHtmlAsync("/synckit/dead-letters");

        var row = Row(html, "data-key=\"12\"");
        row.Should().Contain("amount must be positive").And.Contain("Validation")
            .And.Contain("action=\"/synckit/dead-letters/retry\"").And.Contain("action=\"/synckit/dead-letters/discard\"")
            .And.Contain("name=\"__RequestVerificationToken\"").And.Contain("aria-label=\"Retry 12\"");
    }

    [Fact]
    public async Task ReplayPage_Get_ShowsALabelledFormForEveryJob()
    {
        var html = await GetHtmlAsync("/synckit/replay?job=acme/orders");

        html.Should().Contain("<label for=\"replay-from\">").And.Contain("id=\"replay-from\"")
            .And.Contain("<option value=\"acme/orders\" selected>").And.Contain("<option value=\"globex/orders\">").And.Contain("<option value=\"acme/customers\">");
    }

    [Fact]
    public async Task ApiCheckpoint_RegisteredJob_ReturnsPositionAndLag()
    {
        var checkpoint = await GetJsonAsync("/synckit/api/checkpoints/acme/orders");

        checkpoint.GetProperty("position").GetProperty("id").GetString().Should().Be("12");
        checkpoint.GetProperty("lag").GetString().Should().Be("00:31:48");
    }

    [Fact]
    public async Task Health_StalledTenant_Answers503WithEveryJob()
    {
        using var client = Host.CreateClient();

        using var response = await client.GetAsync("/synckit/health");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("status").GetString().Should().Be("Unhealthy");
        body.RootElement.GetProperty("jobs").GetProperty("globex/orders").GetString().Should().Be("Stalled");
        body.RootElement.GetProperty("jobs").GetProperty("acme/customers").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task HealthOfTenant_DegradedTenant_Answers200Degraded()
    {
        var health = await GetJsonAsync("/synckit/health/acme");

        health.GetProperty("status").GetString().Should().Be("Degraded");
        health.GetProperty("jobs").EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("acme/orders", "acme/customers");
    }

    [Theory]
    [InlineData("/synckit/tenants/nobody")]
    [InlineData("/synckit/runs/no-such-run")]
    [InlineData("/synckit/api/tenants/nobody")]
    [InlineData("/synckit/api/tenants/nobody/lag")]
    [InlineData("/synckit/api/runs/no-such-run")]
    [InlineData("/synckit/api/checkpoints/nobody/orders")]
    public async Task Get_UnknownTenantOrRun_Answers404(string path)
    {
        using var client = Host.CreateClient();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static IEnumerable<string> Keys(int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Retention_AfterAPurge_TheOverviewAndTheApiShowTheLimitsAndWhatItDeleted()
    {
        var pass = await Host.Services.GetRequiredService<SyncRetention>().PurgeAsync();

        var retention = await GetJsonAsync("/synckit/api/retention");
        retention.GetProperty("runs").GetString().Should().Be("90.00:00:00");
        retention.GetProperty("audit").GetString().Should().Be("30.00:00:00");
        retention.GetProperty("lastPass").GetProperty("startedAt").GetDateTimeOffset().Should().BeOnOrAfter(pass.StartedAt);
        var page = await GetHtmlAsync("/synckit/");
        page.Should().Contain("History kept: runs 90d 0h, audit entries 30d 0h, dedup keys for ever.").And.Contain("The latest purge, at");
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = Host.CreateClient();
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should succeed", path);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<string> GetHtmlAsync(string path)
    {
        using var client = Host.CreateClient();
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "GET {0} should succeed", path);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");

        // Compare text as a reader sees it: the writer encodes characters such as '+' in text.
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The table row that carries an attribute.</summary>
    private static string Row(string html, string attribute)
    {
        var start = html.IndexOf(attribute, StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, "the page should have a row with {0}", attribute);
        return html[start..html.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }
}
