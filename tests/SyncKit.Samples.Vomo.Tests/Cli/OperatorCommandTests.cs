using System.Text.Json;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>The operator commands of the sample README (reconcile, replay, backfill, checkpoint, runs, status) against the simulator.</summary>
public sealed class OperatorCommandTests
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Reconcile_Full_SoftDeletesWhatVomoConfirmsGoneKeepsBannedUsersAndRereadsMembers(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 30, projects: 4, groups: 3, store: store);
        var tenant = cli.Sim.Tenant;
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        cli.Sim.Time.Advance(TimeSpan.FromMinutes(5));
        var users = tenant.Users();
        var removed = users[3].Id;
        var banned = users[4].Id;
        tenant.RemoveUser(removed);
        tenant.UpdateUser(banned, u => u with { MembershipStatus = "BANNED" });
        var deletedProject = tenant.Projects()[0].Id;
        tenant.DeleteProject(deletedProject);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        var group = tenant.Groups()[0];
        var newMembers = users.Skip(10).Take(3).Select(u => u.Id).ToList();
        tenant.ReplaceMembers(group.Id, newMembers);

        var (exitCode, output) = await cli.RunAsync("reconcile", "--mode", "full");

        exitCode.Should().Be(ExitCodes.Done, output);
        cli.Scalar($"SELECT deleted_at FROM crm_contacts WHERE external_id = 'vomo-{removed}'").Should().NotBeNull("VOMO answers 404 for the removed user");
        cli.Rows($"SELECT status, deleted_at FROM crm_contacts WHERE external_id = 'vomo-{banned}'").Single().Should().Equal(["BANNED", null]);
        cli.Scalar("SELECT count(*) FROM crm_contacts WHERE deleted_at IS NULL").Should().Be(29L);
        cli.Scalar($"SELECT deleted_at FROM crm_projects WHERE external_id = 'vomo-{deletedProject}'").Should().NotBeNull();
        JsonSerializer.Deserialize<string[]>((string)cli.Scalar($"SELECT member_external_ids FROM crm_groups WHERE external_id = 'vomo-{group.Id}'")!)
            .Should().Equal(newMembers.Select(id => $"vomo-{id}").Order(StringComparer.Ordinal), "membership changes do not move updated_at, so only reconciliation finds them");
        output.Should().Contain("acme/users").And.Contain("soft-deleted 1").And.Contain($"soft-deleted: {removed}")
            .And.Contain($"stale: {group.Id}").And.Contain("repaired 1");
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Reconcile_Incremental_RepairsARowLostFromTheCrm(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 2, groups: 1, store: store);
        var tenant = cli.Sim.Tenant;
        var lost = tenant.Users()[2].Id;
        cli.Sim.Time.Advance(TimeSpan.FromMinutes(1));
        tenant.UpdateUser(lost, u => u with { Phone = "+1-555-0100" });
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        cli.Sim.Time.Advance(TimeSpan.FromMinutes(5));
        tenant.UpdateUser(tenant.Users()[3].Id);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        cli.Execute($"DELETE FROM crm_contacts WHERE external_id = 'vomo-{lost}'");

        var (exitCode, output) = await cli.RunAsync("reconcile", "--mode", "incremental", "--tenant", "acme");

        exitCode.Should().Be(ExitCodes.Done, output);
        cli.Scalar($"SELECT phone FROM crm_contacts WHERE external_id = 'vomo-{lost}'").Should().Be("+1-555-0100");
        output.Should().Contain("acme/users").And.Contain("incremental").And.Contain("missing 1").And.Contain($"missing: {lost}").And.Contain("window");
    }

    [Fact]
    public async Task Replay_PastWindow_PrintsTheOperationsAndWritesNothing()
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 2, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        cli.Sim.Time.Advance(TimeSpan.FromMinutes(1));
        var changed = cli.Sim.Tenant.UpdateUser(cli.Sim.Tenant.Users()[0].Id, u => u with { LastName = "Replayed" })!;
        var before = Snapshot(cli);
        var window = new[] { "--tenant", "acme", "--resource", "users", "--from", "2000-01-01T00:00:00Z", "--to", RunText.Time(cli.Sim.Time.GetUtcNow().AddMinutes(1)) };

        var (exitCode, output) = await cli.RunAsync(["replay", .. window]);
        var (jsonExitCode, json) = await cli.RunAsync(["replay", .. window, "--json"]);

        (exitCode, jsonExitCode).Should().Be((ExitCodes.Done, ExitCodes.Done));
        Snapshot(cli).Should().Equal(before, "a replay writes no row, checkpoint, dead letter or run");
        output.Should().Contain($"Write     acme/users {changed.Id}").And.Contain("Unchanged").And.Contain("20 operation(s)").And.Contain("1 write(s)").And.Contain("Replayed");
        var operations = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        operations.Should().HaveCount(20);
        var write = operations.Single(o => o.GetProperty("action").GetString() == "Write");
        write.GetProperty("key").GetString().Should().Be(changed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        write.GetProperty("record").GetProperty("last_name").GetString().Should().Be("Replayed");
    }

    [Fact]
    public async Task Backfill_Window_RewritesRowsAndLeavesTheCheckpoint()
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 2, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);
        var checkpoint = (await cli.RunAsync("checkpoint", "show", "--tenant", "acme", "--resource", "users")).Output;
        cli.Execute("DELETE FROM crm_contacts");

        var (exitCode, output) = await cli.RunAsync("backfill", "--tenant", "acme", "--resource", "users", "--from", "2000-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z");

        exitCode.Should().Be(ExitCodes.Done, output);
        cli.Scalar("SELECT count(*) FROM crm_contacts").Should().Be(20L);
        (await cli.RunAsync("checkpoint", "show", "--tenant", "acme", "--resource", "users")).Output.Should().Be(checkpoint);
        output.Should().Contain("written     20").And.Contain("the checkpoint was not moved");
        (await cli.RunAsync("runs", "list")).Output.Should().Contain("Backfill");
    }

    [Fact]
    public async Task Checkpoint_ResetToATimestampThenShow_MovesItAndRecordsTheReset()
    {
        await using var cli = await CliHarness.StartAsync(users: 5, projects: 1, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);

        var (exitCode, reset) = await cli.RunAsync("checkpoint", "reset", "--tenant", "acme", "--resource", "projects", "--to", "2026-01-01T00:00:00Z");
        var show = (await cli.RunAsync("checkpoint", "show", "--tenant", "acme", "--resource", "projects")).Output;
        var removed = (await cli.RunAsync("checkpoint", "reset", "--tenant", "acme", "--resource", "projects")).Output;
        var empty = (await cli.RunAsync("checkpoint", "show", "--tenant", "acme", "--resource", "projects")).Output;

        exitCode.Should().Be(ExitCodes.Done);
        reset.Should().Contain("acme/projects: checkpoint moved from").And.Contain("to 2026-01-01T00:00:00");
        show.Should().StartWith("acme/projects: 2026-01-01T00:00:00");
        removed.Should().Contain("to (none");
        empty.Should().Contain("no checkpoint");
        var runs = JsonDocument.Parse((await cli.RunAsync("runs", "list", "--tenant", "acme", "--json")).Output).RootElement.EnumerateArray().ToList();
        runs.Count(r => r.GetProperty("kind").GetString() == "CheckpointReset").Should().Be(2);
    }

    [Fact]
    public async Task RunsList_Json_GivesIdJobTimesOutcomeCountsAndCursorRange()
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 2, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);

        var (exitCode, output) = await cli.RunAsync("runs", "list", "--tenant", "acme", "--limit", "2", "--json");
        var text = (await cli.RunAsync("runs", "list")).Output;

        exitCode.Should().Be(ExitCodes.Done);
        var runs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        runs.Should().HaveCount(2);
        var users = JsonDocument.Parse((await cli.RunAsync("runs", "list", "--json")).Output).RootElement.EnumerateArray().Single(r => r.GetProperty("job").GetString() == "acme/users");
        users.GetProperty("run_id").GetString().Should().NotBeNullOrEmpty();
        users.GetProperty("outcome").GetString().Should().Be("Succeeded");
        users.GetProperty("counts").GetProperty("written").GetInt64().Should().Be(20);
        users.GetProperty("started_at").GetDateTimeOffset().Should().BeOnOrBefore(users.GetProperty("ended_at").GetDateTimeOffset());
        users.GetProperty("cursor_to").GetString().Should().NotBeNullOrEmpty();
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3).And.Contain(l => l.Contains("acme/users", StringComparison.Ordinal) && l.Contains("written 20", StringComparison.Ordinal) && l.Contains("cursor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_AfterASync_ShowsEachJobHealthyWithItsLagDlqBreakerAndBurn()
    {
        await using var cli = await CliHarness.StartAsync(users: 10, projects: 1, groups: 1);
        (await cli.RunAsync("sync")).ExitCode.Should().Be(ExitCodes.Done);

        var (exitCode, json) = await cli.RunAsync("status", "--json");
        var text = (await cli.RunRawAsync(["status", "--store", cli.Store])).Output;

        exitCode.Should().Be(ExitCodes.Done);
        var jobs = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        jobs.Select(j => j.GetProperty("job").GetString()).Should().Equal("acme/users", "acme/projects", "acme/groups");
        jobs.Should().OnlyContain(j => j.GetProperty("status").GetString() == "Healthy"
            && j.GetProperty("dead_letters").GetInt32() == 0
            && j.GetProperty("source_breaker").GetString() == "Closed"
            && j.GetProperty("error_budget_burn").GetDouble() == 0
            && j.GetProperty("last_success_at").ValueKind == JsonValueKind.String
            && j.GetProperty("lag_seconds").ValueKind == JsonValueKind.Number);
        text.Should().Contain("acme/users").And.Contain("Healthy").And.Contain("breaker", "without tokens the tenants come from run history");
    }

    /// <summary>Everything a replay could touch: the CRM rows, checkpoints, dead letters and run history.</summary>
    private static List<string> Snapshot(CliHarness cli) =>
    [
        .. cli.Rows("SELECT * FROM crm_contacts ORDER BY external_id").Select(r => string.Join('|', r)),
        .. cli.Rows("SELECT count(*) FROM crm_outbox").Select(r => string.Join('|', r)),
        .. cli.Rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'crm_%' ORDER BY name")
            .SelectMany(t => cli.Rows($"SELECT * FROM \"{t[0]}\"").Select(r => $"{t[0]}:{string.Join('|', r)}")).Order(StringComparer.Ordinal),
    ];
}
