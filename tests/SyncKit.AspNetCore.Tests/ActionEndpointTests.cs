using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace SyncKit.AspNetCore.Tests;

/// <summary>The POST actions: each needs the antiforgery token, does what it says through the core and is recorded in run history with who did it.</summary>
public sealed partial class ActionEndpointTests : IAsyncLifetime
{
    private DashboardHost _host = null!;

    public static TheoryData<string, string> Actions { get; } = new()
    {
        { "/synckit/api/dead-letters/retry", "json" },
        { "/synckit/api/dead-letters/discard", "json" },
        { "/synckit/api/replay", "json" },
        { "/synckit/api/checkpoints/reset", "json" },
        { "/synckit/api/reconcile", "json" },
        { "/synckit/api/force-repair", "json" },
        { "/synckit/dead-letters/retry", "form" },
        { "/synckit/dead-letters/discard", "form" },
        { "/synckit/replay", "form" },
        { "/synckit/checkpoints/reset", "form" },
        { "/synckit/reconcile", "form" },
        { "/synckit/force-repair", "form" },
    };

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Post_WithoutAntiforgeryToken_IsRefusedAndChangesNothing(string path, string kind)
    {
        using var client = _host.CreateClient();
        var runsBefore = await RunCountAsync();
        HttpContent body = kind == "json"
            ? JsonContent.Create(new { tenant = "acme", stream = "orders", keys = new[] { "12" }, from = DashboardHost.T0, to = DashboardHost.T0.AddHours(1) })
            : new FormUrlEncodedContent([new("job", "acme/orders"), new("key", "12"), new("mode", "empty"), new("from", "2026-03-01T08:00:00"), new("to", "2026-03-01T09:00:00")]);

        using var response = await client.PostAsync(path, body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Antiforgery");
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(1);
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default))!.Id.Should().Be("12");
        (await RunCountAsync()).Should().Be(runsBefore);
    }

    [Fact]
    public async Task Post_TokenWithoutItsCookie_IsRefused()
    {
        using var withToken = new ApiClient(_host.CreateClient());
        await withToken.UseAntiforgeryTokenAsync();
        using var stranger = _host.CreateClient();
        foreach (var header in withToken.Http.DefaultRequestHeaders)
        {
            stranger.DefaultRequestHeaders.Add(header.Key, header.Value);
        }

        using var response = await stranger.PostAsJsonAsync("/synckit/api/dead-letters/discard", new { tenant = "acme", stream = "orders", keys = new[] { "12" } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a token forged into another browser has no matching cookie");
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(1);
    }

    [Fact]
    public async Task ApiRetry_WithToken_ResolvesTheEntryAndRecordsWhoAndWhen()
    {
        using var api = await ApiAsync();
        _host.Destination(DashboardHost.AcmeOrders).Fail = null;

        using var response = await api.PostAsync("/synckit/api/dead-letters/retry", new { tenant = "acme", stream = "orders", keys = new[] { "12" } });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var run = await ApiClient.JsonAsync(response);
        run.GetProperty("kind").GetString().Should().Be("DeadLetterRetry");
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(0);
        _host.Destination(DashboardHost.AcmeOrders).Rows.Should().ContainKey("12");
        var stored = await _host.Store.Runs.GetRunAsync(run.GetProperty("runId").GetString()!, default);
        OperatorAction.FromRun(stored!)!.Actor.Should().Be("anonymous@127.0.0.1");
        stored!.StartedAt.Should().Be(_host.Time.GetUtcNow());
    }

    [Fact]
    public async Task ApiDiscard_WithToken_RemovesTheEntryAndRecordsWhoAndWhy()
    {
        using var api = await ApiAsync();

        var listed = new { recordKey = "12", position = new { timestamp = DashboardHost.T0.AddSeconds(12), id = "12" } };

        using var response = await api.PostAsync("/synckit/api/dead-letters/discard", new { tenant = "acme", stream = "orders", entries = new[] { listed }, reason = "test order" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(0);
        var stored = await _host.Store.Runs.GetRunAsync((await ApiClient.JsonAsync(response)).GetProperty("runId").GetString()!, default);
        OperatorAction.FromRun(stored!).Should().BeEquivalentTo(new OperatorAction("anonymous@127.0.0.1", "test order", ["12"]));
    }

    [Fact]
    public async Task ApiCheckpointReset_WithToken_MovesTheCheckpointAndRecordsIt()
    {
        using var api = await ApiAsync();
        var position = new { timestamp = DashboardHost.T0.AddSeconds(5), id = "5" };

        using var response = await api.PostAsync("/synckit/api/checkpoints/reset", new { tenant = "acme", stream = "orders", position, reason = "re-read 6-12" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default)).Should().Be(Cursor.At(DashboardHost.T0.AddSeconds(5), "5"));
        var run = await ApiClient.JsonAsync(response);
        run.GetProperty("kind").GetString().Should().Be("CheckpointReset");
        run.GetProperty("cursorFrom").GetProperty("id").GetString().Should().Be("12");
        var stored = await _host.Store.Runs.GetRunAsync(run.GetProperty("runId").GetString()!, default);
        OperatorAction.FromRun(stored!)!.Reason.Should().Be("re-read 6-12");
    }

    [Fact]
    public async Task ApiCheckpointReset_NoPosition_RemovesTheCheckpoint()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/checkpoints/reset", new { tenant = "acme", stream = "orders" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default)).Should().BeNull();
    }

    [Fact]
    public async Task ApiReplay_WithToken_ReturnsTheOperationsAndWritesNothing()
    {
        using var api = await ApiAsync();
        var runsBefore = await RunCountAsync();
        var deliveriesBefore = _host.Destination(DashboardHost.AcmeOrders).DeliveryCount;
        _host.Source(DashboardHost.AcmeOrders).Add(DashboardHost.Record(3, version: 2));

        using var response = await api.PostAsync("/synckit/api/replay", new { tenant = "acme", stream = "orders", from = DashboardHost.T0, to = DashboardHost.T0.AddSeconds(5) });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var operations = (await ApiClient.JsonAsync(response)).GetProperty("operations").EnumerateArray().ToList();
        operations.Select(o => (o.GetProperty("key").GetString(), o.GetProperty("action").GetString()))
            .Should().Equal(("1", "Unchanged"), ("2", "Unchanged"), ("3", "Write"), ("4", "Unchanged"));
        operations[2].GetProperty("payload").GetString().Should().Contain("\"version\":2");
        _host.Destination(DashboardHost.AcmeOrders).DeliveryCount.Should().Be(deliveriesBefore, "a dry run hands nothing to the destination");
        (await RunCountAsync()).Should().Be(runsBefore);
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default))!.Id.Should().Be("12");
    }

    [Fact]
    public async Task ApiReplay_WindowEndingBeforeItStarts_Answers400WithTheReason()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/replay", new { tenant = "acme", stream = "orders", from = DashboardHost.T0, to = DashboardHost.T0 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("must end after it starts");
    }

    [Fact]
    public async Task ApiAction_UnknownJob_Answers404()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/dead-letters/retry", new { tenant = "nobody", stream = "orders", keys = new[] { "1" } });

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FormRetry_TokenFromThePage_RedirectsToTheListWithoutTheEntry()
    {
        using var client = _host.CreateClient();
        var page = await client.GetStringAsync("/synckit/dead-letters");
        _host.Destination(DashboardHost.AcmeOrders).Fail = null;

        using var response = await client.PostAsync("/synckit/dead-letters/retry", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", TokenIn(page)), new("job", "acme/orders"), new("key", "12")]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.PathAndQuery.Should().Be("/synckit/dead-letters?tenant=acme&done=retried");
        var list = await response.Content.ReadAsStringAsync();
        list.Should().Contain("id=\"dead-letters-empty\"").And.Contain("Retry done and recorded in run history");
    }

    [Fact]
    public async Task ApiDiscard_EntryWithoutItsPosition_IsRefusedAndKeepsTheEntry()
    {
        using var api = await ApiAsync();

        using var response = await api.PostAsync("/synckit/api/dead-letters/discard", new { tenant = "acme", stream = "orders", entries = new[] { new { recordKey = "12" } } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(1);
    }

    [Fact]
    public async Task FormDiscard_EntryAsThePageListedIt_RedirectsToTheListWithoutTheEntry()
    {
        using var client = _host.CreateClient();
        var page = await client.GetStringAsync("/synckit/dead-letters");

        using var response = await client.PostAsync("/synckit/dead-letters/discard", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", TokenIn(page)), new("job", "acme/orders"), new("key", "12"), new("position", PositionIn(page))]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.PathAndQuery.Should().Be("/synckit/dead-letters?tenant=acme&done=discarded");
        (await _host.Store.DeadLetters.CountAsync(DashboardHost.AcmeOrders, default)).Should().Be(0);
    }

    [Fact]
    public async Task FormCheckpointReset_TokenFromThePage_RedirectsToTheRecordedRun()
    {
        using var client = _host.CreateClient();
        var page = await client.GetStringAsync("/synckit/tenants/acme");

        using var response = await client.PostAsync("/synckit/checkpoints/reset", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", TokenIn(page)), new("job", "acme/orders"), new("timestamp", "2026-03-01T08:00:05"), new("id", "5"), new("reason", "re-read"), new("mode", "position")]));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().StartWith("/synckit/runs/");
        (await response.Content.ReadAsStringAsync()).Should().Contain("<dd id=\"actor\">anonymous@127.0.0.1 at ");
        (await _host.Store.Checkpoints.GetAsync(DashboardHost.AcmeOrders, default)).Should().Be(Cursor.At(DashboardHost.T0.AddSeconds(5), "5"));
    }

    private async Task<ApiClient> ApiAsync()
    {
        var api = new ApiClient(_host.CreateClient());
        await api.UseAntiforgeryTokenAsync();
        return api;
    }

    private async Task<int> RunCountAsync() =>
        (await _host.Store.Runs.QueryRunsAsync(new RunQuery { Limit = int.MaxValue }, default)).Count;

    private static string TokenIn(string html) => TokenField().Match(html).Groups[1].Value;

    private static string PositionIn(string html) => WebUtility.HtmlDecode(PositionField().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"position\" value=\"([^\"]+)\"")]
    private static partial Regex PositionField();
}
