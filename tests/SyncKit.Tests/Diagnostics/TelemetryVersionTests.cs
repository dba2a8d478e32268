using System.Diagnostics;
using System.Diagnostics.Metrics;
using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Diagnostics;

/// <summary>The meter and the activity source carry the package's version (OpenTelemetry's instrumentation scope version).</summary>
public sealed class TelemetryVersionTests : EngineTestBase
{
    [Fact]
    public void Version_IsThePackagesVersionWithoutBuildMetadata()
    {
        var informational = typeof(SyncEngine).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;

        SyncKitDiagnostics.Version.Should().MatchRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$");
        informational.Should().StartWith(SyncKitDiagnostics.Version);
    }

    [Fact]
    public async Task RunAsync_MeterAndActivitySource_CarryTheVersion()
    {
        var meterVersions = new List<string?>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == SyncKitDiagnostics.Name)
                {
                    lock (meterVersions)
                    {
                        meterVersions.Add(instrument.Meter.Version);
                    }
                }
            },
        };
        meters.Start();
        var sourceVersions = new List<string?>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncKitDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                lock (sourceVersions)
                {
                    sourceVersions.Add(activity.Source.Version);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        await new SyncEngine(Store, Time).RunAsync(NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination()));

        meterVersions.Should().NotBeEmpty().And.OnlyContain(v => v == SyncKitDiagnostics.Version);
        sourceVersions.Should().NotBeEmpty().And.OnlyContain(v => v == SyncKitDiagnostics.Version);
    }
}
