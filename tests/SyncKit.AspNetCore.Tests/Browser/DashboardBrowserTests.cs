using Microsoft.Playwright;

namespace SyncKit.AspNetCore.Tests.Browser;

/// <summary>
/// An operator's path through the dashboard in real headless Chromium, against real Kestrel and the seeded history
/// of <see cref="DashboardHost"/>. Each page is saved as a screenshot under the test output's screenshots folder.
/// </summary>
public sealed class DashboardBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    // Generous: the machine may be busy; a timeout only matters when something is wrong.
    private const float Timeout = 90_000;

    private DashboardHost _host = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync();
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        _context.SetDefaultTimeout(Timeout);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Overview_DrillIntoTenant_ShowsJobsAndRendersTheLagChart()
    {
        await GoToAsync("/synckit");
        (await _page.TitleAsync()).Should().Be("Tenants · SyncKit");
        (await _page.Locator("#tenants tbody tr").CountAsync()).Should().Be(2);
        (await _page.Locator("tr[data-tenant=globex]").InnerTextAsync()).Should().Contain("Stalled");
        (await _page.Locator("#tenants tbody tr").First.GetAttributeAsync("data-tenant")).Should().Be("globex", "the worst tenant comes first");
        (await _page.Locator("#summary-figures").InnerTextAsync()).Should().Contain("3: 1 healthy, 1 degraded, 1 stalled");
        (await _page.Locator("#anomaly-list tbody tr").CountAsync()).Should().Be(2);
        await ScreenshotAsync("overview");

        await _page.GetByLabel("Health").SelectOptionAsync("Degraded");
        await _page.GetByLabel("Tenant name contains").FillAsync("AC");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await WaitForPageAsync("**/synckit/?state=Degraded&q=AC", "Tenants");
        (await _page.Locator("#tenants tbody tr").AllInnerTextsAsync()).Should().ContainSingle().Which.Should().StartWith("acme");
        await ScreenshotAsync("overview-filtered");

        await _page.GetByRole(AriaRole.Link, new() { Name = "acme", Exact = true }).ClickAsync();

        await WaitForPageAsync("**/synckit/tenants/acme", "Tenant acme");
        var chart = _page.Locator("svg.lag-chart[data-stream=orders]");
        await chart.WaitForAsync();
        var box = await chart.BoundingBoxAsync();
        box.Should().NotBeNull();
        box!.Width.Should().BeGreaterThan(300, "the chart must render at a readable size");
        box.Height.Should().BeGreaterThan(100);
        (await chart.Locator("circle").CountAsync()).Should().Be(4, "one point per regular run of acme/orders");
        (await chart.Locator("circle.failed").CountAsync()).Should().Be(1);
        var line = await chart.Locator("polyline.lag").BoundingBoxAsync();
        line!.Height.Should().BeGreaterThan(10, "the failed run's lag rises above the others");
        (await _page.Locator("#recent-runs tbody tr").CountAsync()).Should().Be(7);
        (await _page.Locator("#errors-by-class").InnerTextAsync()).Should().Contain("Validation");
        (await _page.Locator("#reconciliations tbody tr").CountAsync()).Should().Be(1);
        await ScreenshotAsync("tenant");

        await _page.Locator($"#recent-runs a[href$='{_host.Runs["orders-3"]}']").ClickAsync();

        await WaitForPageAsync($"**/synckit/runs/{_host.Runs["orders-3"]}", $"Run {_host.Runs["orders-3"]}");
        (await _page.Locator("#audit + table").InnerTextAsync()).Should().Contain("dead-lettered");
        await ScreenshotAsync("run");
    }

    [Fact]
    public async Task DeadLetters_Retry_TheEntryLeavesTheList()
    {
        _host.Destination(DashboardHost.AcmeOrders).Fail = null;
        await GoToAsync("/synckit/dead-letters");
        (await _page.Locator("#dead-letters tbody tr").CountAsync()).Should().Be(1);
        await ScreenshotAsync("dead-letters");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry 12" }).ClickAsync();

        await WaitForPageAsync("**/synckit/dead-letters?tenant=acme&done=retried", "Dead letters of acme");
        await _page.Locator("#dead-letters-empty").WaitForAsync();
        (await _page.Locator("tr[data-key='12']").CountAsync()).Should().Be(0);
        (await _page.GetByRole(AriaRole.Status).InnerTextAsync()).Should().Contain("recorded in run history");
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(0);
        _host.Destination(DashboardHost.AcmeOrders).Rows.Should().ContainKey("12");
        await ScreenshotAsync("dead-letters-after-retry");
    }

    [Fact]
    public async Task Replay_DryRun_ShowsTheOperationsItWouldRun()
    {
        var runsBefore = (await _host.Store.Runs.QueryRunsAsync(new RunQuery { Limit = int.MaxValue }, default)).Count;
        _host.Source(DashboardHost.AcmeOrders).Add(DashboardHost.Record(3, version: 2));
        await GoToAsync("/synckit/tenants/acme");
        await _page.Locator("tr[data-stream=orders]").GetByRole(AriaRole.Link, new() { Name = "Replay…" }).ClickAsync();
        await WaitForPageAsync("**/synckit/replay?job=acme%2Forders", "Dry-run replay");

        await _page.GetByLabel("From (UTC, inclusive)").FillAsync("2026-03-01T08:00");
        await _page.GetByLabel("To (UTC, exclusive)").FillAsync("2026-03-01T08:00:05");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Replay (dry run)" }).ClickAsync();

        await _page.Locator("#replay-operations").WaitForAsync();
        (await _page.Locator("#replay-result").InnerTextAsync()).Should().Be("4 operation(s) would run");
        var rows = await _page.Locator("#replay-operations tbody tr").AllInnerTextsAsync();
        rows.Should().HaveCount(4);
        rows[2].Should().StartWith("Write").And.Contain("\"version\":2");
        rows[0].Should().StartWith("Unchanged");
        (await _host.Store.Runs.QueryRunsAsync(new RunQuery { Limit = int.MaxValue }, default)).Should().HaveCount(runsBefore, "a dry run writes nothing");
        await ScreenshotAsync("replay");
    }

    // Navigation waits for the new document only, then for the page's heading: the pages load nothing else, and
    // waiting for the browser's load event proved unreliable with the machine's newer Chromium under load.
    private async Task GoToAsync(string path)
    {
        await _page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await _page.Locator("main h1").WaitForAsync();
    }

    private async Task WaitForPageAsync(string url, string heading)
    {
        await _page.WaitForURLAsync(url, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await _page.Locator("main h1", new PageLocatorOptions { HasTextString = heading }).WaitForAsync();
    }

    private Task ScreenshotAsync(string name) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, name + ".png"), FullPage = true });
}
