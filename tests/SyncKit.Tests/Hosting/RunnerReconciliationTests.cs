using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Hosting;

/// <summary>
/// Reconciling and force-repairing a registered job on demand through <see cref="SyncJobRunner"/>: tenant "a" runs
/// with a gap threshold of 50 %, tenant "b" with the stream's 1 %.
/// </summary>
public sealed class RunnerReconciliationTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId A = new("a", "invoices");
    private static readonly JobId B = new("b", "invoices");
    private static readonly TimeSpan Lookback = new SyncJobOptions().Lookback;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly ConcurrentDictionary<string, ScriptedSource<TestRecord>> _sources = new();
    private readonly ConcurrentDictionary<string, CollectingDestination<TestRecord>> _destinations = new();
    private readonly IHost _host;
    private readonly SyncJobRunner _runner;

    public RunnerReconciliationTests()
    {
        _host = Build();
        _runner = _host.Services.GetRequiredService<SyncJobRunner>();
    }

    [Theory]
    [InlineData("a", false)]
    [InlineData("b", true)]
    public async Task ReconcileNowAsync_IncrementalPass_JudgesTheGapRateByTheTenantsOwnThreshold(string tenant, bool paused)
    {
        var job = new JobId(tenant, "invoices");
        await SyncWithOneLateRecordAsync(tenant);

        var run = await _runner.ReconcileNowAsync(job, RunKind.IncrementalReconciliation);

        run.Kind.Should().Be(RunKind.IncrementalReconciliation);
        var report = ReconciliationReport.FromRun(run)!;
        report.Missing.Should().Be(1);
        report.GapThreshold.Should().Be(_runner.OptionsFor(job).Reconciliation.GapThreshold);
        report.CorrectionPaused.Should().Be(paused);
        Destination(tenant).Rows.ContainsKey("late").Should().Be(!paused);
    }

    [Fact]
    public async Task ReconcileNowAsync_FullPassAlways_CorrectsWhateverTheRateAndIsStored()
    {
        await SyncWithOneLateRecordAsync("b");

        var run = await _runner.ReconcileNowAsync(B, RunKind.FullReconciliation, CorrectionMode.Always);

        ReconciliationReport.FromRun(run)!.Should().BeEquivalentTo(new { Kind = RunKind.FullReconciliation, Missing = 1L, Repaired = 1L, CorrectionPaused = false });
        Destination("b").Rows.Should().ContainKey("late");
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        (await store.Runs.GetRunAsync(run.RunId, default))!.Kind.Should().Be(RunKind.FullReconciliation);
    }

    [Fact]
    public async Task ReconcileNowAsync_KindThatIsNotAPass_ThrowsAndRunsNothing()
    {
        var reconcile = () => _runner.ReconcileNowAsync(A, RunKind.Backfill);

        (await reconcile.Should().ThrowAsync<ArgumentOutOfRangeException>()).Which.ParamName.Should().Be("pass");
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        (await store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().BeEmpty();
    }

    [Fact]
    public async Task ForceRepairAsync_RegisteredJob_OverwritesAndRecordsTheActor()
    {
        Source("a").Add(Record("1", T0.AddSeconds(-10), 2));
        await _runner.RunAsync(A);
        Source("a").Add(Record("1", T0.AddSeconds(-20), 1));

        var run = await _runner.ForceRepairAsync(A, ["1"], "ops@example.com", "rolled back at the source");

        Destination("a").Rows["1"].Version.Should().Be(1);
        OperatorAction.FromRun(run).Should().BeEquivalentTo(new OperatorAction("ops@example.com", "rolled back at the source", ["1"]));
    }

    public void Dispose() => _host.Dispose();

    private static SourceRecord<TestRecord> Record(string id, DateTimeOffset at, long version = 1) => new TestRecord(id, at, version).ToSourceRecord();

    /// <summary>
    /// Ten records synced, then one that arrived late. It and the first nine lie a lookback before the checkpoint
    /// (record 10), where an incremental pass's window ends; polling re-reads only the lookback, so it never reads it.
    /// </summary>
    private async Task SyncWithOneLateRecordAsync(string tenant)
    {
        foreach (var i in Enumerable.Range(1, 10))
        {
            Source(tenant).Add(Record(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(i - 100) - (i < 10 ? Lookback : TimeSpan.Zero)));
        }

        await _runner.RunAsync(new JobId(tenant, "invoices"));
        Source(tenant).Add(Record("late", T0.AddSeconds(-95) - Lookback));
        _time.Advance(TimeSpan.FromMinutes(1));
    }

    private ScriptedSource<TestRecord> Source(string tenant) => _sources.GetOrAdd(tenant, _ => new ScriptedSource<TestRecord>());

    private CollectingDestination<TestRecord> Destination(string tenant) =>
        _destinations.GetOrAdd(tenant, _ => new CollectingDestination<TestRecord>(r => r.Version));

    private IHost Build()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => s.Enabled = false)
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("a", "b")
                .UseSource((_, tenant) => Source(tenant))
                .UseDestination((_, tenant) => Destination(tenant))
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                // The product's defaults but for the retry delay: zero, so retries need no fake clock advanced.
                .Configure(o => o.RetryBaseDelay = TimeSpan.Zero)
                .Configure((tenant, o) => o.Reconciliation.GapThreshold = tenant == "a" ? 0.5 : 0.01)));
        return builder.Build();
    }
}
