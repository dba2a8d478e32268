using System.Text;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>
/// The secrets a run is given — tenants' tokens, a webhook's <c>user:password@</c> and query, a store's password —
/// never appear in what the sample prints or stores, and bad settings fail with exit 2 naming what is wrong, before
/// anything is opened. Each case runs the real process, so an unhandled failure shows as its exit code.
/// </summary>
public sealed class SecretsTests : IDisposable
{
    private const string HookPassword = "hook-pw-5ecr3t";
    private const string HookQuerySecret = "hook-sig-5ecr3t";
    private const string StorePassword = "hunter2-5ecr3t";
    private readonly string _directory = Directory.CreateTempSubdirectory("vomo-secrets-").FullName;

    [Fact]
    public async Task FullRun_EveryOutputAndTable_HoldsNoSecretItWasGiven()
    {
        await using var simulator = await VomoSimulator.StartAsync(new SimulatorOptions
        {
            Seed = 11,
            Tenants = [new TenantOptions { Name = "acme", Users = 20, Projects = 2, Groups = 2 }, new TenantOptions { Name = "globex", Users = 5, Projects = 1, Groups = 1 }],
            MaxReplicaLag = TimeSpan.Zero,
            Changes = new ChangeOptions { StartImmediately = false },
        });
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Status = 400;
        await using var database = await CliStore.CreateAsync(StoreKind.Sqlite);
        var hook = new UriBuilder(webhook.Url) { UserName = "hookuser", Password = HookPassword, Query = $"sig={HookQuerySecret}" }.Uri.ToString();
        var acme = simulator.Tenant("acme").Token;
        var globex = simulator.Tenant("globex").Token;

        // One token in the environment (as the README recommends), one on the command line (for demos).
        var environment = new Dictionary<string, string> { ["Vomo__Tokens__acme"] = acme, ["Vomo__ReplicaLag"] = "00:00:01" };
        string[] common = ["--vomo-url", simulator.BaseUrl.ToString(), "--token", $"globex={globex}", "--store", database.Argument, "--webhook", hook];
        var output = new StringBuilder();
        async Task<int> RunAsync(params string[] arguments)
        {
            var run = await SampleProcess.RunAsync([.. arguments, .. common], environment, int.MaxValue, TimeSpan.FromMinutes(3));
            output.AppendLine(run.Output);
            return run.ExitCode;
        }

        (await RunAsync("sync")).Should().Be(ExitCodes.Done, output.ToString());
        await RunAsync("reconcile", "--mode", "full");
        await RunAsync("dlq", "list");
        await RunAsync("dlq", "list", "--json");
        await RunAsync("runs", "list");
        await RunAsync("runs", "list", "--json");
        await RunAsync("status");
        await RunAsync("status", "--json");
        await RunAsync("checkpoint", "show", "--tenant", "acme", "--resource", "users");
        (await RunAsync("sync", "--webhook", hook.Replace("http://", "ftp://", StringComparison.Ordinal))).Should().Be(ExitCodes.BadArguments);
        (await RunAsync("sync", "--vomo-url", $"ftp://user:{HookPassword}@vomo.example/v1")).Should().Be(ExitCodes.BadArguments);

        var tables = Dump(database);
        output.ToString().Should().Contain("answered 400", "the webhook's rejections are shown");
        tables.Should().Contain("answered 400", "and stored");
        foreach (var secret in new[] { acme, globex, HookPassword, HookQuerySecret })
        {
            output.ToString().Should().NotContain(secret);
            tables.Should().NotContain(secret);
        }
    }

    [Theory]
    [InlineData("mysql:Server=db;Password=" + StorePassword, "mysql:")]
    [InlineData("postgres:Host=127.0.0.1;Pasword=" + StorePassword, "'pasword'")]
    [InlineData("postgres:Host=127.0.0.1;Port=" + StorePassword + ";Password=" + StorePassword, "'port'")]
    [InlineData("postgres:Host=127.0.0.1;Password=\"" + StorePassword, "KEYWORD=VALUE")]
    public async Task Store_BadValue_ExitsTwoNamingTheProblemWithoutEchoingTheSecret(string store, string named)
    {
        var run = await SampleProcess.RunAsync(["runs", "list", "--store", store], new Dictionary<string, string>(), int.MaxValue, TimeSpan.FromMinutes(1));

        run.ExitCode.Should().Be(ExitCodes.BadArguments, run.Output);
        run.Output.Should().ContainEquivalentOf(named).And.NotContain(StorePassword).And.NotContain("   at ");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("reset")]
    public async Task Checkpoint_WithoutTenant_ExitsTwoAndCreatesNoStore(string action)
    {
        var store = Path.Combine(_directory, "never.db");

        var run = await SampleProcess.RunAsync(["checkpoint", action, "--resource", "users", "--token", "acme=t", "--store", $"sqlite:{store}"], new Dictionary<string, string>(), int.MaxValue, TimeSpan.FromMinutes(1));

        run.ExitCode.Should().Be(ExitCodes.BadArguments, run.Output);
        run.Output.Should().Contain("--tenant");
        File.Exists(store).Should().BeFalse("arguments are checked before the store is opened");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("reset")]
    public async Task Checkpoint_UnknownTenant_ExitsTwoListingTheKnownOnesAndCreatesNoStore(string action)
    {
        var store = Path.Combine(_directory, "never.db");
        var environment = new Dictionary<string, string> { ["Vomo__Tokens__globex"] = "g" };

        var run = await SampleProcess.RunAsync(["checkpoint", action, "--tenant", "acmee", "--resource", "users", "--token", "acme=a", "--store", $"sqlite:{store}"], environment, int.MaxValue, TimeSpan.FromMinutes(1));

        run.ExitCode.Should().Be(ExitCodes.BadArguments, run.Output);
        run.Output.Should().Contain("'--tenant acmee' is not a configured tenant").And.Contain("Known tenants: acme, globex");
        File.Exists(store).Should().BeFalse("a mistyped tenant leaves no phantom checkpoint, and no store");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Every value of every table, as text.</summary>
    private static string Dump(CliStore database)
    {
        var text = new StringBuilder();
        foreach (var table in database.Rows("SELECT name FROM sqlite_master WHERE type = 'table'").Select(r => (string)r[0]!))
        {
            foreach (var row in database.Rows($"SELECT * FROM \"{table}\""))
            {
                text.AppendLine(string.Join(" | ", row.Select(v => v is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return text.ToString();
    }
}
