using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SyncKit.TestDocs;

namespace SyncKit.Tests.QuickStart;

/// <summary>The README's quick start, compiled from the README's own text as a reader's app would compile it, and its job run.</summary>
public sealed class QuickStartTests
{
    private static readonly Lazy<Assembly> QuickStart = new(() => ReadmeSnippets.Compile(ReadmeSnippets.CompleteFiles("README.md").Single(f => f.Sdk == "Microsoft.NET.Sdk")));

    [Fact]
    public void Readme_QuickStart_CompilesAsPastedIntoANewApp()
    {
        var app = QuickStart.Value;

        app.EntryPoint.Should().NotBeNull("the quick start is a whole Program.cs");
        app.GetTypes().Should().OnlyContain(t => t.Namespace == null, "a reader's app declares its types where the file puts them");
    }

    [Fact]
    public async Task QuickStart_SyncsInvoicesIntoTheCrm_AndAReRunWritesNothingNew()
    {
        var app = QuickStart.Value;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var billingType = app.GetType("BillingDatabase", throwOnError: true)!;
        var crmType = app.GetType("CrmDatabase", throwOnError: true)!;
        builder.Services.AddSingleton(billingType).AddSingleton(crmType);
        app.GetType("InvoiceSync", throwOnError: true)!.GetMethod("AddInvoiceSync")!.Invoke(null, [builder.Services]);
        builder.Services.AddSyncKit().ConfigureScheduler(s => s.Enabled = false);
        using var host = builder.Build();
        var invoiceType = app.GetType("Invoice", throwOnError: true)!;
        var save = billingType.GetMethod("Save")!;
        var billing = host.Services.GetRequiredService(billingType);
        var sameSecond = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        foreach (var id in Enumerable.Range(1, 1_200))
        {
            save.Invoke(billing, [Activator.CreateInstance(invoiceType, (long)id, $"customer-{id % 7}", id * 10m, sameSecond.AddSeconds(id / 500))]);
        }

        var runner = host.Services.GetRequiredService<SyncJobRunner>();
        var first = await runner.RunAsync(new JobId("acme", "invoices"));
        var second = await runner.RunAsync(new JobId("acme", "invoices"));

        first.Outcome.Should().Be(RunOutcome.Succeeded);
        first.Counts.Written.Should().Be(1_200);
        crmType.GetProperty("Count")!.GetValue(host.Services.GetRequiredService(crmType)).Should().Be(1_200);
        second.Outcome.Should().Be(RunOutcome.Succeeded, "the rewound cursor carries an id the billing database parses");
        second.Counts.Read.Should().Be(1_200, "every invoice lies inside the lookback");
        second.Counts.Written.Should().Be(0, "the re-read inside the lookback is skipped as stale, not written again");
    }
}
