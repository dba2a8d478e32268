using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>The one wiring: the jobs a command runs itself and those it registers with a host are the same jobs.</summary>
public sealed class VomoWiringTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-wiring-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Register_HostedJobs_RunWithTheOptionsOfTheTypedJobs()
    {
        var configuration = new ConfigurationBuilder().Build();
        var settings = SampleSettings.Resolve(CommandLines.Read("sync", "--vomo-url", "http://127.0.0.1:9/v1", "--token", "acme=a", "--token", "globex=g", "--store", $"sqlite:{_path}"), configuration);
        await using var wiring = await VomoWiring.OpenAsync(settings, new ConnectionTuning(), TimeProvider.System, configure: null, dryRun: false, default);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Configuration = new ConfigurationManager(), DisableDefaults = true });
        new HostedTenants(wiring, configuration).Configure(builder, scheduler => scheduler.Enabled = false);
        using var host = builder.Build();
        var runner = host.Services.GetRequiredService<SyncJobRunner>();

        var typed = wiring.Jobs().SelectMany(t => t.Jobs).ToList();

        runner.Jobs.Should().BeEquivalentTo(typed.Select(j => j.Id));
        typed.Select(j => j.Id.ToString()).Should().Equal("acme/users", "acme/projects", "acme/groups", "globex/users", "globex/projects", "globex/groups");
        foreach (var job in typed)
        {
            Settings(runner.OptionsFor(job.Id)).Should().Be(Settings(job.Options), job.Id.ToString());
        }

        Settings(typed.Single(j => j.Id.ToString() == "acme/groups").Options).Should().Be(("vomo:acme", TimeSpan.FromMinutes(1), 1.0, 1.0), "every group is checked in reconciliation");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static (string? SourceName, TimeSpan Lookback, double DriftSampleRate, double GapThreshold) Settings(SyncJobOptions options) =>
        (options.SourceName, options.Lookback, options.Reconciliation.DriftSampleRate, options.Reconciliation.GapThreshold);
}
