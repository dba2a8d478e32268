using System.Globalization;
using System.Text.Json;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>Welcome notifications through <c>--webhook</c>, and the dead-letter queue commands with a webhook that rejects them.</summary>
public sealed class WelcomeAndDeadLetterCommandTests
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Sync_WithWebhook_PostsEachAcceptedUserOnceWithItsIdempotencyKeyAndNothingToTheOutbox(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 30, projects: 1, groups: 1, store: store);
        await using var webhook = await WebhookReceiver.StartAsync();
        var accepted = cli.Sim.Tenant.Users().Where(u => u.MembershipStatus == "ACCEPTED").ToList();
        accepted.Should().NotBeEmpty();

        (await cli.RunAsync("sync", "--webhook", webhook.Url.ToString())).ExitCode.Should().Be(ExitCodes.Done);
        cli.Sim.Time.Advance(TimeSpan.FromMinutes(1));
        cli.Sim.Tenant.UpdateUser(accepted[0].Id, u => u with { Phone = "+1-555-0199" });
        (await cli.RunAsync("sync", "--webhook", webhook.Url.ToString())).ExitCode.Should().Be(ExitCodes.Done);

        webhook.Received.Select(r => r.IdempotencyKey).Should().BeEquivalentTo(accepted.Select(u => $"welcome:acme:{u.Id}"), "each accepted user is welcomed once, not again when it changes");
        var first = webhook.Received.Single(r => r.IdempotencyKey == $"welcome:acme:{accepted[0].Id}");
        var body = JsonDocument.Parse(first.Body).RootElement;
        (body.GetProperty("tenant").GetString(), body.GetProperty("user_id").GetString(), body.GetProperty("email").GetString())
            .Should().Be(("acme", accepted[0].Id.ToString(CultureInfo.InvariantCulture), accepted[0].Email));
        cli.Scalar("SELECT count(*) FROM crm_outbox").Should().Be(0L);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task DlqListAndRetry_WebhookRejectedThenFixed_ListsTheDeadLettersAndRetryDeliversThem(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 1, groups: 1, store: store);
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Status = 400;
        var accepted = cli.Sim.Tenant.Users().Count(u => u.MembershipStatus == "ACCEPTED");

        var (syncExit, syncOutput) = await cli.RunAsync("sync", "--webhook", webhook.Url.ToString());
        var (listExit, list) = await cli.RunAsync("dlq", "list", "--tenant", "acme", "--json");
        var listText = (await cli.RunRawAsync(["dlq", "list", "--store", cli.Store])).Output;
        var status = JsonDocument.Parse((await cli.RunAsync("status", "--json")).Output).RootElement.EnumerateArray().First();
        webhook.Status = 200;
        var (retryExit, retry) = await cli.RunAsync("dlq", "retry", "--webhook", webhook.Url.ToString());
        var after = (await cli.RunAsync("dlq", "list")).Output;

        (syncExit, listExit, retryExit).Should().Be((ExitCodes.Done, ExitCodes.Done, ExitCodes.Done), "dead letters are reported, not fatal");
        syncOutput.Should().Contain($"dead-lettered {accepted,4}");
        var entries = JsonDocument.Parse(list).RootElement.EnumerateArray().ToList();
        entries.Should().HaveCount(accepted).And.OnlyContain(e => e.GetProperty("job").GetString() == "acme/users"
            && e.GetProperty("last_error").GetString()!.Contains("answered 400", StringComparison.Ordinal)
            && e.GetProperty("record").GetProperty("membership_status").GetString() == "ACCEPTED");
        listText.Should().Contain("acme/users").And.Contain($"{accepted} dead letter(s).");
        status.GetProperty("dead_letters").GetInt32().Should().Be(accepted);
        retry.Should().Contain("acme/users").And.Contain("still queued 0");
        after.Should().Contain("0 dead letter(s).");
        webhook.Received.Where(r => r.Status == 200).Select(r => r.IdempotencyKey).Should().OnlyHaveUniqueItems().And.HaveCount(accepted);
    }
}
