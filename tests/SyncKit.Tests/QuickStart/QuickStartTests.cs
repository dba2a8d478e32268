using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SyncKit.Tests.QuickStart;

public sealed class QuickStartTests
{
    [Fact]
    public async Task QuickStart_SyncsInvoicesIntoTheCrm_AndAReRunWritesNothingNew()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<BillingDatabase>().AddSingleton<CrmDatabase>();
        builder.Services.AddInvoiceSync().AddSyncKit().ConfigureScheduler(s => s.Enabled = false);
        using var host = builder.Build();
        var billing = host.Services.GetRequiredService<BillingDatabase>();
        var sameSecond = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        foreach (var id in Enumerable.Range(1, 1_200))
        {
            billing.Save(new Invoice(id, $"customer-{id % 7}", id * 10m, sameSecond.AddSeconds(id / 500)));
        }

        var runner = host.Services.GetRequiredService<SyncJobRunner>();
        var first = await runner.RunAsync(new JobId("acme", "invoices"));
        var second = await runner.RunAsync(new JobId("acme", "invoices"));

        first.Outcome.Should().Be(RunOutcome.Succeeded);
        first.Counts.Written.Should().Be(1_200);
        host.Services.GetRequiredService<CrmDatabase>().Rows.Should().HaveCount(1_200);
        second.Outcome.Should().Be(RunOutcome.Succeeded, "the rewound cursor carries an id the billing database parses");
        second.Counts.Read.Should().Be(1_200, "every invoice lies inside the lookback");
        second.Counts.Written.Should().Be(0, "the re-read inside the lookback is skipped as stale, not written again");
    }

    [Fact]
    public void Readme_ShowsTheQuickStartExactlyAsCompiled()
    {
        var root = FindRepositoryRoot();
        var source = File.ReadAllText(Path.Combine(root, "tests", "SyncKit.Tests", "QuickStart", "InvoicesToCrm.cs"));
        var start = source.IndexOf("#region quickstart", StringComparison.Ordinal);
        var end = source.IndexOf("#endregion", StringComparison.Ordinal);
        var snippet = source[(source.IndexOf('\n', start) + 1)..end].Trim();

        File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings().Should().Contain(snippet.ReplaceLineEndings());
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SyncKit.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SyncKit.sln not found above the test assembly.");
    }
}
