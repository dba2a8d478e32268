using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
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

    [Fact]
    public async Task SyncWatch_WithWebhook_PostsEveryAcceptedUserOnceAndNothingToTheOutbox()
    {
        await using var cli = await CliHarness.StartAsync(users: 30, projects: 1, groups: 1);
        await using var webhook = await WebhookReceiver.StartAsync();
        var acceptedAtStart = cli.Sim.Tenant.Users().Where(u => u.MembershipStatus == "ACCEPTED").Select(u => $"welcome:acme:{u.Id}").ToList();
        var acceptedLater = cli.Sim.Tenant.Users().First(u => u.MembershipStatus == "PENDING");
        acceptedAtStart.Should().NotBeEmpty();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vomo:Cadence"] = "00:00:20",
            ["Vomo:ReplicaLag"] = "00:00:01",
        }).Build();
        string[] args = ["sync", "--watch", "--webhook", webhook.Url.ToString(), .. cli.CommonArguments()];
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        int exitCode;
        await using (new ClockPump(cli.Sim.Time, TimeSpan.FromMilliseconds(20)))
        {
            var watch = CommandLines.RunAsync(new CommandEnvironment(configuration, cli.Sim.Time, TextWriter.Synchronized(output)), args, stop.Token);
            await WelcomedAsync(acceptedAtStart);

            // A user accepted while the watch runs is welcomed by a later poll, through the webhook as well.
            cli.Sim.Tenant.UpdateUser(acceptedLater.Id, u => u with { MembershipStatus = "ACCEPTED" });
            await WelcomedAsync([$"welcome:acme:{acceptedLater.Id}"]);

            await stop.CancelAsync();
            exitCode = await watch.WaitAsync(TimeSpan.FromMinutes(1));
        }

        exitCode.Should().Be(ExitCodes.Done);
        webhook.Received.Where(r => r.Status == 200).Select(r => r.IdempotencyKey)
            .Should().BeEquivalentTo([.. acceptedAtStart, $"welcome:acme:{acceptedLater.Id}"], "each accepted user is welcomed once, through the webhook");
        cli.Scalar("SELECT count(*) FROM crm_outbox").Should().Be(0L, "a webhook was given, so no welcome goes to the outbox");

        async Task WelcomedAsync(IReadOnlyList<string> keys)
        {
            try
            {
                await webhook.WaitUntilAsync(received => keys.All(k => received.Any(r => r.IdempotencyKey == k && r.Status == 200)), timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                await stop.CancelAsync();
                throw new TimeoutException($"The webhook received {webhook.Received.Count} welcome(s) of {keys.Count} expected; crm_outbox holds {cli.Scalar("SELECT count(*) FROM crm_outbox")}. Output ends:\n{output.ToString()[^Math.Min(2_000, output.ToString().Length)..]}");
            }
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task StatusDlqListAndRetry_WebhookRejectedThenFixed_ShowTheRejectedWelcomesAndRetrySendsThemOnce(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 1, groups: 1, store: store);
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Status = 400;
        var accepted = cli.Sim.Tenant.Users().Count(u => u.MembershipStatus == "ACCEPTED");

        var (syncExit, _) = await cli.RunAsync("sync", "--webhook", webhook.Url.ToString());
        var rejectedPosts = webhook.Received.Count;
        var again = await cli.RunAsync("sync", "--webhook", webhook.Url.ToString());
        var postsBeforeRetry = webhook.Received.Count;
        var (listExit, list) = await cli.RunAsync("dlq", "list", "--tenant", "acme", "--json");
        var listText = (await cli.RunRawAsync(["dlq", "list", "--store", cli.Store])).Output;
        var status = JsonDocument.Parse((await cli.RunAsync("status", "--json")).Output).RootElement.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "acme/users");
        webhook.Status = 200;
        var (retryExit, retry) = await cli.RunAsync("dlq", "retry", "--webhook", webhook.Url.ToString());
        var after = (await cli.RunAsync("dlq", "list")).Output;
        var statusAfter = JsonDocument.Parse((await cli.RunAsync("status", "--json")).Output).RootElement.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "acme/users");

        (syncExit, again.ExitCode, listExit, retryExit).Should().Be((ExitCodes.Done, ExitCodes.Done, ExitCodes.Done, ExitCodes.Done), "a rejected welcome is reported, not fatal");
        cli.Scalar("SELECT count(*) FROM crm_contacts").Should().Be(20L, "every user is written: a welcome is sent after its record commits");
        JsonDocument.Parse(list).RootElement.EnumerateArray().Should().BeEmpty("the users' records are written, so none is a dead letter");
        rejectedPosts.Should().Be(accepted, "each welcome is posted once");
        postsBeforeRetry.Should().Be(accepted, "a rejected welcome is not posted again until an operator retries it");
        listText.Should().Contain($"{accepted} welcome(s) rejected by the webhook").And.Contain("answered 400").And.Contain("welcome:acme:");
        status.GetProperty("welcomes_rejected").GetInt32().Should().Be(accepted);
        status.GetProperty("welcomes_due").GetInt64().Should().Be(0);
        status.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Contain(r => r!.Contains("rejected by the webhook", StringComparison.Ordinal));
        retry.Should().Contain($"{accepted} rejected welcome(s) due again.");
        after.Should().Contain("0 dead letter(s).").And.NotContain("rejected");
        statusAfter.GetProperty("welcomes_rejected").GetInt32().Should().Be(0);
        webhook.Received.Where(r => r.Status == 200).Select(r => r.IdempotencyKey).Should().OnlyHaveUniqueItems().And.HaveCount(accepted);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Sync_WebhookDownThenUp_WelcomesStayDueAndTheNextRunSendsEachOnce(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 20, projects: 1, groups: 1, store: store);
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Status = 503;
        var accepted = cli.Sim.Tenant.Users().Where(u => u.MembershipStatus == "ACCEPTED").Select(u => $"welcome:acme:{u.Id}").ToList();

        var (downExit, _) = await cli.RunAsync("sync", "--webhook", webhook.Url.ToString());
        var postsWhileDown = webhook.Received.Count;
        var status = JsonDocument.Parse((await cli.RunAsync("status", "--json")).Output).RootElement.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "acme/users");
        webhook.Status = 200;
        var (upExit, _) = await cli.RunAsync("sync", "--webhook", webhook.Url.ToString());

        (downExit, upExit).Should().Be((ExitCodes.Done, ExitCodes.Done));
        postsWhileDown.Should().Be(1, "a webhook that is down pauses the delivery after the first failure");
        status.GetProperty("welcomes_due").GetInt64().Should().Be(accepted.Count, "the welcomes stay due");
        status.GetProperty("dead_letters").GetInt32().Should().Be(0);
        webhook.Received.Where(r => r.Status == 200).Select(r => r.IdempotencyKey).Should().BeEquivalentTo(accepted, "the next run sends each due welcome once");
    }
}
