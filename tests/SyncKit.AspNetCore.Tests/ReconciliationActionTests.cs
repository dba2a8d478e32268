using System.Net;
using System.Text.RegularExpressions;

namespace SyncKit.AspNetCore.Tests;

/// <summary>
/// Reconciling a job now and force-repairing what a pass could not, from the pages and the JSON API. Record 3 of
/// acme/orders goes back to version 0 at the source, which the destination (keeping the highest version) refuses.
/// </summary>
public sealed partial class ReconciliationActionTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync();
        _host.Source(DashboardHost.AcmeOrders).Add(DashboardHost.Record(3, version: 0));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ApiReconcile_IncrementalPassAlways_RunsItAndReportsTheGapUnrepaired()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/reconcile", new { tenant = "acme", stream = "orders", pass = "IncrementalReconciliation", correction = "Always" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var run = await ApiClient.JsonAsync(response);
        run.GetProperty("kind").GetString().Should().Be("IncrementalReconciliation");
        run.GetProperty("outcome").GetString().Should().Be("CompletedWithUnrepairedGaps");
        var stored = await _host.Store.Runs.GetRunAsync(run.GetProperty("runId").GetString()!, default);
        ReconciliationReport.FromRun(stored!)!.Should().BeEquivalentTo(new { Correction = CorrectionMode.Always, Stale = 1L, Unrepaired = 1L });
        ReconciliationReport.FromRun(stored!)!.UnrepairedKeys.Should().Equal("3");
    }

    [Fact]
    public async Task ApiReconcile_KindThatIsNotAPass_Answers400NamingThePasses()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/reconcile", new { tenant = "acme", stream = "orders", pass = "Backfill" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("IncrementalReconciliation").And.Contain("FullReconciliation");
    }

    [Fact]
    public async Task ApiForceRepair_WithToken_OverwritesAndRecordsWhoAndWhy()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/force-repair", new { tenant = "acme", stream = "orders", keys = new[] { "3" }, reason = "billing rolled it back" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var run = await ApiClient.JsonAsync(response);
        run.GetProperty("kind").GetString().Should().Be("ForceRepair");
        _host.Destination(DashboardHost.AcmeOrders).Rows["3"].Version.Should().Be(0);
        var stored = await _host.Store.Runs.GetRunAsync(run.GetProperty("runId").GetString()!, default);
        OperatorAction.FromRun(stored!).Should().BeEquivalentTo(new OperatorAction("anonymous@127.0.0.1", "billing rolled it back", ["3"]));
    }

    [Fact]
    public async Task FormReconcileThenForceRepair_TokensFromThePages_RepairTheGapAndShowWhoDidIt()
    {
        using var client = _host.CreateClient();
        var tenant = await client.GetStringAsync("/synckit/tenants/acme");
        tenant.Should().Contain("id=\"reconcile-now\"");

        using var reconciled = await client.PostAsync("/synckit/reconcile", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", TokenIn(tenant)), new("job", "acme/orders"), new("pass", "IncrementalReconciliation"), new("correction", "Always")]));

        reconciled.StatusCode.Should().Be(HttpStatusCode.OK);
        reconciled.RequestMessage!.RequestUri!.AbsolutePath.Should().StartWith("/synckit/runs/");
        var pass = await reconciled.Content.ReadAsStringAsync();
        pass.Should().Contain("<dd id=\"unrepaired-keys\"><code>3</code></dd>").And.Contain("id=\"force-repair-form\"");

        using var repaired = await client.PostAsync("/synckit/force-repair", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", TokenIn(pass)), new("job", "acme/orders"), new("key", "3"), new("reason", "billing rolled it back")]));

        repaired.StatusCode.Should().Be(HttpStatusCode.OK);
        var run = await repaired.Content.ReadAsStringAsync();
        run.Should().Contain("<dd>ForceRepair</dd>").And.Contain("<dd id=\"actor\">anonymous@127.0.0.1 at ").And.Contain("<td>overwritten</td>");
        _host.Destination(DashboardHost.AcmeOrders).Rows["3"].Version.Should().Be(0);
    }

    private async Task<ApiClient> ApiAsync()
    {
        var api = new ApiClient(_host.CreateClient());
        await api.UseAntiforgeryTokenAsync();
        return api;
    }

    private static string TokenIn(string html) => TokenField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
