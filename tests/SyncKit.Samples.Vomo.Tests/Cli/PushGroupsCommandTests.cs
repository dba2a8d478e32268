using System.Globalization;
using System.Text.Json;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;
using Xunit.Abstractions;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary><c>push-groups</c>: one VOMO group per requested name, whatever answers are lost and however often the process dies.</summary>
public sealed class PushGroupsCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"vomo-groups-{Guid.NewGuid():N}.json");

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task PushGroups_ThirtyPercentLostAnswersRunTwice_CreatesEachNameExactlyOnce(StoreKind store)
    {
        await using var cli = await CliHarness.StartAsync(users: 5, projects: 1, groups: 2, faults: new FaultOptions { LostCreateResponses = 0.3 }, store: store);
        var names = WriteFile(40);
        var lag = new Dictionary<string, string?> { ["Vomo:ReplicaLag"] = "00:00:01" };
        await using var pump = new ClockPump(cli.Sim.Time, TimeSpan.FromMilliseconds(100));

        var (exitCode, output) = await cli.RunRawAsync(["push-groups", "--tenant", "acme", "--file", _file, .. cli.CommonArguments()], settings: lag);
        var (againExitCode, again) = await cli.RunRawAsync(["push-groups", "--tenant", "acme", "--file", _file, .. cli.CommonArguments()], settings: lag);

        (exitCode, againExitCode).Should().Be((ExitCodes.Done, ExitCodes.Done), output);
        output.Should().Contain("unsure").And.Contain("found").And.Contain("40 group(s) in VOMO for 40 requested, 0 rejected.");
        again.Trim().Should().Be("40 group(s) in VOMO for 40 requested, 0 rejected.", "a second push of the same file creates nothing");
        CountByName(cli.Sim.Simulator.Tenant("acme"), names).Should().OnlyContain(c => c == 1);
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task PushGroups_HundredGroupsLostAnswersAndSigkills_LeavesExactlyOneGroupPerName(StoreKind store)
    {
        var seed = Environment.GetEnvironmentVariable("VOMO_PUSH_SEED") is { } fixedSeed ? int.Parse(fixedSeed, CultureInfo.InvariantCulture) : Random.Shared.Next();
        log.WriteLine($"seed {seed} (set VOMO_PUSH_SEED to replay)");
        var random = new Random(seed);
        await using var simulator = await VomoSimulator.StartAsync(new SimulatorOptions
        {
            Seed = seed,
            Tenants = [new TenantOptions { Name = "acme", Users = 5, Projects = 1, Groups = 2 }],
            MaxReplicaLag = TimeSpan.FromMilliseconds(500),
            Faults = new FaultOptions { LostCreateResponses = 0.3 },
            Changes = new ChangeOptions { StartImmediately = false },
        });
        await using var database = await CliStore.CreateAsync(store);
        var tenant = simulator.Tenant("acme");
        var names = WriteFile(100);
        string[] arguments = ["push-groups", "--tenant", "acme", "--file", _file, "--vomo-url", simulator.BaseUrl.ToString(), "--token", $"acme={tenant.Token}", "--store", database.Argument];
        var environment = new Dictionary<string, string> { ["Vomo__ReplicaLag"] = "00:00:01" };

        for (var kill = 1; ; kill++)
        {
            var killAfter = kill <= 3 ? random.Next(5, 40) : int.MaxValue;
            var run = await SampleProcess.RunAsync(arguments, environment, killAfter, TimeSpan.FromMinutes(2));
            log.WriteLine($"run {kill}: {(run.Killed ? $"killed after {killAfter} lines" : $"exit {run.ExitCode}")}");
            if (!run.Killed)
            {
                run.ExitCode.Should().Be(ExitCodes.Done, $"seed {seed}:\n{run.Output}");
                run.Output.Should().Contain("100 group(s) in VOMO for 100 requested", $"seed {seed}");
                kill.Should().Be(4, "three runs were killed before this one finished");
                break;
            }
        }

        var counts = CountByName(tenant, names);
        counts.Should().OnlyContain(c => c == 1, $"every requested name is exactly one VOMO group (seed {seed}); counts {string.Join(",", counts)}");
    }

    [Theory]
    [InlineData("[{\"description\": \"no name\"}]", "group 1 has no name")]
    [InlineData("{\"name\": \"not an array\"}", "is not a JSON array")]
    [InlineData("[{\"name\": \"a\"}, {\"name\": \"a\"}]", "lists the group 'a' more than once")]
    public async Task PushGroups_BadFile_Exits2NamingTheProblem(string json, string message)
    {
        await File.WriteAllTextAsync(_file, json);
        var output = new StringWriter();

        var exitCode = await CommandLines.RunAsync(CommandLines.Environment(output), ["push-groups", "--tenant", "acme", "--file", _file]);

        exitCode.Should().Be(ExitCodes.BadArguments);
        output.ToString().Should().StartWith("error: ").And.Contain(message).And.Contain(_file);
    }

    public void Dispose() => File.Delete(_file);

    private static List<int> CountByName(SimulatedTenant tenant, string[] names)
    {
        var groups = tenant.Groups();
        return [.. names.Select(n => groups.Count(g => g.Name == n))];
    }

    private string[] WriteFile(int count)
    {
        var names = Enumerable.Range(1, count).Select(i => $"Pushed group {i:D3}").ToArray();
        File.WriteAllText(_file, JsonSerializer.Serialize(names.Select(n => new Dictionary<string, object?> { ["name"] = n, ["description"] = $"{n}, from the CRM", ["parent_id"] = null })));
        return names;
    }
}
