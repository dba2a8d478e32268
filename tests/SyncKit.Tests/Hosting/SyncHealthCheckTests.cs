using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Hosting;

public sealed class SyncHealthCheckTests : EngineTestBase
{
    [Fact]
    public async Task CheckHealthAsync_OneStalledJobAmongHealthyOnes_ReportsTheFailureStatusWithEveryJobsStatus()
    {
        var other = new JobId("tenant-b", "invoices");
        var healthy = NewJob(new ScriptedSource<TestRecord>([Record(1, -10)]), NewDestination());
        await Engine.RunAsync(healthy);
        var stalledSource = new ScriptedSource<TestRecord>([Record(1, -10)]);
        stalledSource.FailNextRead(new SyncException(ErrorClass.Authorization, "403"));
        await Engine.RunAsync(new SyncJob<TestRecord>(other, stalledSource, NewDestination(), new JsonRecordSerializer<TestRecord>()));
        var check = new SyncHealthCheck(new SyncHealthMonitor(Engine), [new MonitoredJob(Job, healthy.Options), new MonitoredJob(other, new SyncJobOptions())]);

        var result = await check.CheckHealthAsync(Context(HealthStatus.Unhealthy));

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain("tenant-b/invoices Stalled").And.Contain("403");
        result.Data.Should().BeEquivalentTo(new Dictionary<string, object> { ["tenant-a/invoices"] = "Healthy", ["tenant-b/invoices"] = "Stalled" });
    }

    [Fact]
    public async Task CheckHealthAsync_RegisteredJobsOfOneTenant_ChecksOnlyThatTenant()
    {
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddSyncKit(kit => kit.AddJob<TestRecord>("invoices", job => job
                .ForTenants("tenant-a", "tenant-b")
                .UseSource((_, _) => new ScriptedSource<TestRecord>([Record(1, -10)]))
                .UseDestination((_, _) => NewDestination())))
            .Services
            .BuildServiceProvider();
        var runner = services.GetRequiredService<SyncJobRunner>();
        var engine = services.GetRequiredService<SyncEngine>();
        await runner.RunAsync(new JobId("tenant-a", "invoices"));
        var check = new SyncHealthCheck(new SyncHealthMonitor(engine), runner, tenant: "tenant-a");

        var result = await check.CheckHealthAsync(Context(HealthStatus.Unhealthy));

        result.Status.Should().Be(HealthStatus.Healthy);
        result.Data.Keys.Should().Equal("tenant-a/invoices");
    }

    [Fact]
    public async Task AddHealthChecksAddSyncKit_WorkerServiceWithoutAMonitor_RegistersWhatTheCheckNeeds()
    {
        // A worker service: no ASP.NET Core, no dashboard, no SyncHealthMonitor registered by the host.
        using var services = WorkerServices().BuildServiceProvider();
        await services.GetRequiredService<SyncJobRunner>().RunAsync(new JobId("tenant-a", "invoices"));

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries["synckit"];
        entry.Exception.Should().BeNull();
        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Data.Keys.Should().Equal("tenant-a/invoices");
    }

    [Fact]
    public async Task AddHealthChecksAddSyncKit_MonitorRegisteredAfterwards_JudgesWithThatMonitor()
    {
        var services = WorkerServices();
        var strict = new SyncHealthOptions { StalledAfterCadences = 1 };
        services.AddSingleton(sp => new SyncHealthMonitor(sp.GetRequiredService<SyncEngine>(), strict));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<SyncJobRunner>().RunAsync(new JobId("tenant-a", "invoices"));
        Time.Advance(TimeSpan.FromMinutes(90));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Entries["synckit"].Status.Should().Be(HealthStatus.Unhealthy, "the host's monitor stalls a job after one cadence without a success, the default after two");
    }

    private ServiceCollection WorkerServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time).AddLogging();
        services.AddSyncKit(kit => kit.AddJob<TestRecord>("invoices", job => job
            .ForTenants("tenant-a")
            .UseSource((_, _) => new ScriptedSource<TestRecord>([Record(1, -10)]))
            .UseDestination((_, _) => NewDestination())
            .Configure(o => o.Cadence = TimeSpan.FromHours(1))));
        services.AddHealthChecks().AddSyncKit();
        return services;
    }

    private static HealthCheckContext Context(HealthStatus failureStatus) => new()
    {
        Registration = new HealthCheckRegistration("synckit", _ => null!, failureStatus, []),
    };
}
