using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

public sealed class SyncCommandTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-sync-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Sync_OneTenantRevoked_Exits3AndTheOtherTenantIsSynced()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 40, Projects = 3, Groups = 2 }, new TenantOptions { Name = "globex", Users = 10 } };
        await using var sim = await SimulatorHarness.StartAsync(tenants: tenants);
        sim.Simulator.Tenant("globex").TokenState = TokenState.Revoked;
        var output = new StringWriter();
        string[] args = ["sync", "--vomo-url", sim.Simulator.BaseUrl.ToString(), "--store", $"sqlite:{_path}",
            "--token", $"acme={sim.Simulator.Tenant("acme").Token}", "--token", $"globex={sim.Simulator.Tenant("globex").Token}"];

        var exitCode = await CommandLines.RunAsync(new CommandEnvironment(new ConfigurationBuilder().Build(), sim.Time, output), args);

        exitCode.Should().Be(ExitCodes.AccessDenied);
        Count("SELECT count(*) FROM crm_contacts WHERE tenant = 'acme'").Should().Be(40);
        Count("SELECT count(*) FROM crm_projects WHERE tenant = 'acme'").Should().Be(3);
        Count("SELECT count(*) FROM crm_groups WHERE tenant = 'acme'").Should().Be(2);
        Count("SELECT count(*) FROM crm_contacts WHERE tenant = 'globex'").Should().Be(0);
        var text = output.ToString();
        text.Should().Contain("acme/users").And.Contain("globex/users").And.Contain("Stopped").And.Contain("401");
        text.Should().NotContain(sim.Simulator.Tenant("globex").Token).And.NotContain(sim.Simulator.Tenant("acme").Token);
    }

    [Fact]
    public async Task SyncWatch_OneTenantRevoked_KeepsPollingTheOtherAtItsCadenceUntilStopped()
    {
        var tenants = new[] { new TenantOptions { Name = "acme", Users = 40, Projects = 3, Groups = 2 }, new TenantOptions { Name = "globex", Users = 10 } };
        await using var sim = await SimulatorHarness.StartAsync(tenants: tenants);
        sim.Simulator.Tenant("globex").TokenState = TokenState.Revoked;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vomo:Cadence"] = "00:00:20",
            ["Vomo:ReplicaLag"] = "00:00:01",
        }).Build();
        string[] args = ["sync", "--watch", "--vomo-url", sim.Simulator.BaseUrl.ToString(), "--store", $"sqlite:{_path}",
            "--token", $"acme={sim.Simulator.Tenant("acme").Token}", "--token", $"globex={sim.Simulator.Tenant("globex").Token}"];
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();

        int exitCode;
        await using (new ClockPump(sim.Time, TimeSpan.FromMilliseconds(20)))
        {
            var watch = CommandLines.RunAsync(new CommandEnvironment(configuration, sim.Time, TextWriter.Synchronized(output)), args, stop.Token);

            // Three runs of acme's users take at least two cadences; globex stopped on its revoked token meanwhile.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (SucceededRuns("acme", "users") < 3)
            {
                watch.IsCompleted.Should().BeFalse($"watch keeps polling: {output}");
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, timeout.Token);
            }

            await stop.CancelAsync();
            exitCode = await watch.WaitAsync(TimeSpan.FromMinutes(1));
        }

        exitCode.Should().Be(ExitCodes.AccessDenied, "globex stopped on 401");
        Count("SELECT count(*) FROM crm_contacts WHERE tenant = 'acme'").Should().Be(40);
        Count("SELECT count(*) FROM synckit_runs WHERE tenant = 'globex' AND stream = 'users'").Should().Be(1, "a tenant stopped on 401 is not polled again");
        var text = output.ToString();
        text.Should().Contain("acme/users").And.Contain("globex/users").And.Contain("Stopped");
        text.Should().NotContain(sim.Simulator.Tenant("globex").Token).And.NotContain(sim.Simulator.Tenant("acme").Token);
    }

    [Theory]
    [InlineData(new[] { "sync", "--vomo-url", "http://x/v1", "--token", "acme" }, "'--token' must be NAME=TOKEN")]
    [InlineData(new[] { "sync", "--vomo-url", "http://x/v1", "--token", "acme=t", "--store", "mysql:db" }, "'--store' must be sqlite:PATH or postgres:CONNECTION_STRING, not 'mysql:…'")]
    [InlineData(new[] { "sync", "--vomo-url", "http://x/v1", "--token", "acme=t", "--store", "postgres:" }, "'--store' must be sqlite:PATH or postgres:CONNECTION_STRING, not 'postgres:…'")]
    [InlineData(new[] { "sync", "--token", "acme=t" }, "'sync' needs --vomo-url URL")]
    [InlineData(new[] { "sync", "--vomo-url", "ftp://x", "--token", "acme=t" }, "'--vomo-url' must be an absolute http(s) URL")]
    [InlineData(new[] { "sync", "--vomo-url", "http://x/v1", "--token", "acme=t", "--tenant", "globex" }, "'--tenant globex' has no token")]
    public async Task Sync_BadSettings_Exit2NamingTheSettingWithoutTheToken(string[] args, string message)
    {
        var output = new StringWriter();

        var exitCode = await CommandLines.RunAsync(CommandLines.Environment(output), args);

        exitCode.Should().Be(ExitCodes.BadArguments);
        output.ToString().Should().StartWith($"error: {message}").And.NotContain("=t");
    }

    [Fact]
    public void Resolve_TokensFromConfiguration_AreMergedUnderTheCommandLine()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vomo:Url"] = "https://api.vomo.org/v1",
            ["Vomo:Tokens:acme"] = "from-config",
            ["Vomo:Tokens:globex"] = "globex-config",
        }).Build();

        var settings = SampleSettings.Resolve(CommandLines.Read("sync", "--token", "acme=from-cli"), configuration);

        settings.VomoUrl.Should().Be(new Uri("https://api.vomo.org/v1"));
        settings.Tokens.Should().Equal(new Dictionary<string, string> { ["acme"] = "from-cli", ["globex"] = "globex-config" });
        settings.Tenants.Should().Equal("acme", "globex");
        settings.SqlitePath.Should().Be("./vomo-sync.db");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>The job's succeeded runs so far; none while the store is still being created.</summary>
    private long SucceededRuns(string tenant, string stream)
    {
        try
        {
            return File.Exists(_path) ? Count($"SELECT count(*) FROM synckit_runs WHERE tenant = '{tenant}' AND stream = '{stream}' AND outcome = 'Succeeded'") : 0;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private long Count(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
