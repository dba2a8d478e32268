using System.Net;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Simulator;

/// <summary>The list behaviours of API.md: the envelope, pages of 15, ties, live offsets, lag and vanishing rows.</summary>
public sealed class SimulatorListTests
{
    [Fact]
    public async Task ListUsers_FirstAndLastPage_CarryVomosEnvelopeWithAbsoluteLinksThatKeepTheQuery()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 40);
        var after = Uri.EscapeDataString("2020-01-01T00:00:00+00:00");

        var (response, first) = await sim.GetAsync($"users?updated_after={after}");
        var (_, last) = await sim.GetAsync($"users?updated_after={after}&page=3");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        first.GetProperty("data").GetArrayLength().Should().Be(15);
        var links = first.GetProperty("links");
        var path = $"{sim.Simulator.BaseUrl}users";
        links.GetProperty("first").GetString().Should().Be($"{path}?updated_after={after}&page=1");
        links.GetProperty("last").GetString().Should().Be($"{path}?updated_after={after}&page=3");
        links.GetProperty("next").GetString().Should().Be($"{path}?updated_after={after}&page=2");
        links.GetProperty("prev").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        var meta = first.GetProperty("meta");
        (meta.GetProperty("current_page").GetInt32(), meta.GetProperty("from").GetInt32(), meta.GetProperty("to").GetInt32(),
            meta.GetProperty("last_page").GetInt32(), meta.GetProperty("per_page").GetInt32(), meta.GetProperty("total").GetInt32())
            .Should().Be((1, 1, 15, 3, 15, 40));
        meta.GetProperty("path").GetString().Should().Be(path);
        last.GetProperty("data").GetArrayLength().Should().Be(10);
        last.GetProperty("links").GetProperty("next").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        last.GetProperty("links").GetProperty("prev").GetString().Should().EndWith("page=2");
        var item = first.GetProperty("data")[0];
        item.GetProperty("type").GetString().Should().Be("user");
        item.GetProperty("updated_at").GetString().Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$");
    }

    [Fact]
    public async Task ListUsers_BulkImport_ThousandsShareOneSecondAndAreOrderedById()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 1_000, bulkImportShare: 1.0);

        var ids = new List<long>();
        var stamps = new HashSet<DateTimeOffset>();
        for (var page = 1; page <= 67; page++)
        {
            var (_, body) = await sim.GetAsync($"users?page={page}");
            ids.AddRange(body.Ids());
            foreach (var item in body.GetProperty("data").EnumerateArray())
            {
                stamps.Add(item.Time("updated_at"));
            }
        }

        stamps.Should().ContainSingle("a bulk import stamps every user with the same second");
        ids.Should().HaveCount(1_000).And.BeInAscendingOrder();
    }

    [Fact]
    public async Task ListUsers_RowUpdatedWhilePaging_ShiftsLaterRowsSoTheNextPageSkipsOne()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 45);
        var (_, snapshot) = await sim.GetAsync("users?page=2");
        var (_, page1) = await sim.GetAsync("users?page=1");

        sim.Time.Advance(TimeSpan.FromSeconds(1));
        sim.Tenant.UpdateUser(page1.Ids()[3]);
        var (_, page2) = await sim.GetAsync("users?page=2");
        var (_, page3) = await sim.GetAsync("users?page=3");

        var firstOfPage2 = snapshot.Ids()[0];
        page2.Ids().Concat(page1.Ids()).Should().NotContain(firstOfPage2, "it moved onto page 1, which the client had already read");
        page3.Ids()[^1].Should().Be(page1.Ids()[3], "the changed row moves to the end");
        page3.GetProperty("meta").GetProperty("total").GetInt32().Should().Be(45);
    }

    [Fact]
    public async Task ListUsers_ReplicaLag_ShowsAChangeOnlyLaterWithItsOriginalUpdatedAt()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 5, maxLag: TimeSpan.FromSeconds(5));
        sim.Time.Advance(TimeSpan.FromSeconds(10));
        var user = sim.Tenant.Users()[0];
        var changed = sim.Tenant.UpdateUser(user.Id, u => u with { LastName = "Changed" })!;
        var after = Uri.EscapeDataString(changed.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", System.Globalization.CultureInfo.InvariantCulture));

        var (_, before) = await sim.GetAsync($"users?updated_after={after}");
        var (lookup, _) = await sim.GetAsync($"users/{user.Id}");
        sim.Time.Advance(TimeSpan.FromSeconds(6));
        var (_, later) = await sim.GetAsync($"users?updated_after={after}");

        before.Ids().Should().BeEmpty("the change is not visible yet");
        lookup.StatusCode.Should().Be(HttpStatusCode.OK, "the old version still shows");
        later.Ids().Should().Equal(user.Id);
        later.GetProperty("data")[0].Time("updated_at").Should().Be(changed.UpdatedAt).And.BeBefore(sim.Time.GetUtcNow().AddSeconds(-5));
    }

    [Fact]
    public async Task ListUsers_AnyAnswer_CarriesTheSimulatorsClockAsItsDate()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 3);
        sim.Time.Advance(TimeSpan.FromHours(5));
        var now = sim.Time.GetUtcNow();

        var (response, _) = await sim.GetAsync("users");

        response.Headers.Date.Should().Be(new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
    }

    [Fact]
    public async Task RemoveUser_VanishesFromListsAndItsLookupAnswers404()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 10);
        var gone = sim.Tenant.Users()[4].Id;

        sim.Tenant.RemoveUser(gone);
        var (_, list) = await sim.GetAsync("users");
        var (lookup, body) = await sim.GetAsync($"users/{gone}");

        list.Ids().Should().HaveCount(9).And.NotContain(gone);
        list.GetProperty("meta").GetProperty("total").GetInt32().Should().Be(9);
        lookup.StatusCode.Should().Be(HttpStatusCode.NotFound);
        body.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task ReplaceMembers_ChangesMembersButNotTheGroupsUpdatedAt()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 30, groups: 2);
        var group = sim.Tenant.Groups()[0];
        var (_, before) = await sim.GetAsync($"groups/{group.Id}");

        sim.Time.Advance(TimeSpan.FromMinutes(1));
        sim.Tenant.ReplaceMembers(group.Id, sim.Tenant.Users().Take(20).Select(u => u.Id));
        var (_, after) = await sim.GetAsync($"groups/{group.Id}");
        var (_, members1) = await sim.GetAsync($"groups/{group.Id}/members");
        var (_, members2) = await sim.GetAsync($"groups/{group.Id}/members?page=2");

        after.GetProperty("data").Time("updated_at").Should().Be(before.GetProperty("data").Time("updated_at"));
        members1.Ids().Concat(members2.Ids()).Should().Equal(sim.Tenant.Users().Take(20).Select(u => u.Id));
        members1.GetProperty("meta").GetProperty("total").GetInt32().Should().Be(20);
    }

    [Fact]
    public async Task ListUsers_UpdatedAfterWithAnUnescapedPlus_Answers422NamingTheField()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        var (response, body) = await sim.GetAsync("users?updated_after=2026-01-01T00:00:00+00:00");

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        body.GetProperty("errors").TryGetProperty("updated_after", out _).Should().BeTrue();
    }

    [Fact]
    public async Task StartAsync_SameSeed_SameDataAndSameLiveChanges()
    {
        var changes = new ChangeOptions { PerSecond = 50, StartImmediately = true };
        await using var one = await SimulatorHarness.StartAsync(users: 200, seed: 11, changes: changes, maxLag: TimeSpan.FromSeconds(3));
        await using var two = await SimulatorHarness.StartAsync(users: 200, seed: 11, changes: changes, maxLag: TimeSpan.FromSeconds(3));
        await using var other = await SimulatorHarness.StartAsync(users: 200, seed: 12, changes: changes, maxLag: TimeSpan.FromSeconds(3));

        foreach (var sim in new[] { one, two, other })
        {
            sim.Time.Advance(TimeSpan.FromSeconds(30));
        }

        var (_, pageOne) = await one.GetAsync("users?page=3");
        var (_, pageTwo) = await two.GetAsync("users?page=3");
        one.Tenant.Users().Should().Equal(two.Tenant.Users());
        one.Tenant.Projects().Should().Equal(two.Tenant.Projects());
        one.Tenant.Groups().Should().Equal(two.Tenant.Groups());
        pageOne.GetProperty("data").GetRawText().Should().Be(pageTwo.GetProperty("data").GetRawText(), "the same rows show, lag included (links differ only by port)");
        one.Tenant.Users().Should().NotEqual(other.Tenant.Users());
        one.Tenant.Users().Count.Should().NotBe(200, "30 s of live changes created and removed users");
    }
}
