using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SyncKit.Testing;

namespace SyncKit.AspNetCore.Tests;

/// <summary>The dashboard judges each job with the options it runs with, its tenant's settings included.</summary>
public sealed class PerTenantOptionsTests
{
    [Fact]
    public async Task Overview_JobWhoseTenantRunsItDaily_IsHealthyHoursAfterItsRunThoughTheStreamRunsEveryTenMinutes()
    {
        var invoices = new JobId("initech", "invoices");
        await using var host = await DashboardHost.StartAsync(configureHost: builder => builder.Services.AddSyncKit(kit => kit
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("initech")
                .UseSource((_, _) => new ScriptedSource<TestRecord>())
                .UseDestination((_, _) => new CollectingDestination<TestRecord>(r => r.Version))
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(o => o.Cadence = TimeSpan.FromMinutes(10))
                .Configure((tenant, o) => o.Cadence = tenant == "initech" ? TimeSpan.FromDays(1) : o.Cadence))));
        (await host.Services.GetRequiredService<SyncJobRunner>().RunAsync(invoices)).Outcome.Should().Be(RunOutcome.Succeeded);
        host.Time.Advance(TimeSpan.FromHours(3));

        using var client = host.CreateClient();
        var tenants = JsonDocument.Parse(await client.GetStringAsync("/synckit/api/tenants")).RootElement;

        tenants.EnumerateArray().Single(t => t.GetProperty("tenant").GetString() == "initech").GetProperty("status").GetString()
            .Should().Be("Healthy", "three hours is within a daily cadence; by the stream's ten minutes the job would be stalled");
    }
}
