using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Hosting;

/// <summary>What a registration sets on the jobs the host creates from it.</summary>
public sealed class SyncJobRegistrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("a", "invoices");

    [Theory]
    [InlineData(true, "title")]
    [InlineData(false, "payload")]
    public async Task UseFieldComparer_FullReconciliation_ReportsDriftAsTheRegisteredComparerSeesIt(bool registered, string field)
    {
        var source = new ScriptedSource<TestRecord>();
        var destination = new CollectingDestination<TestRecord>(r => r.Version);
        using var host = Build(source, destination, registered ? new TitleComparer() : null);
        var runner = host.Services.GetRequiredService<SyncJobRunner>();
        foreach (var i in Enumerable.Range(1, 3))
        {
            source.Add(new TestRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddMinutes(i - 10)).ToSourceRecord());
        }

        await runner.RunAsync(Job);

        // The change keeps the record's time and version, so only drift detection sees it.
        source.Add(new TestRecord("2", T0.AddMinutes(-8), Payload: "renamed").ToSourceRecord());

        var run = await runner.ReconcileNowAsync(Job, RunKind.FullReconciliation);

        ReconciliationReport.FromRun(run)!.Drift.Should().BeEquivalentTo([new FieldDrift("2", [field])]);
    }

    [Fact]
    public void UseFieldComparer_NullFactory_Throws()
    {
        Exception? thrown = null;
        new ServiceCollection().AddSyncKit(kit => kit.AddJob<TestRecord>("invoices", job =>
        {
            thrown = Record.Exception(() => job.UseFieldComparer(null!));
            job.ForTenants("a").UseSource((_, _) => new ScriptedSource<TestRecord>()).UseDestination((_, _) => new CollectingDestination<TestRecord>(r => r.Version));
        }));

        thrown.Should().BeOfType<ArgumentNullException>().Which.ParamName.Should().Be("factory");
    }

    private static IHost Build(ScriptedSource<TestRecord> source, CollectingDestination<TestRecord> destination, IFieldComparer<TestRecord>? comparer)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        builder.Services.AddSyncKit(kit => kit
            .ConfigureScheduler(s => s.Enabled = false)
            .AddJob<TestRecord>("invoices", job =>
            {
                job.ForTenants("a")
                    .UseSource((_, _) => source)
                    .UseDestination((_, _) => destination)
                    .Configure(o => o.Reconciliation.DriftSampleRate = 1);
                if (comparer is not null)
                {
                    job.UseFieldComparer(_ => comparer);
                }
            }));
        return builder.Build();
    }

    /// <summary>Calls a changed payload a changed title, as a destination that keeps the payload as its title would.</summary>
    private sealed class TitleComparer : IFieldComparer<TestRecord>
    {
        public IReadOnlyList<string> Compare(TestRecord source, TestRecord destination) =>
            source.Payload == destination.Payload ? [] : ["title"];
    }
}
