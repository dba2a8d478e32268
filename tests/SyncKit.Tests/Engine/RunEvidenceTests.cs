using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>Every run leaves evidence: its record (counts, errors by class, samples), metrics, a trace and structured logs.</summary>
public sealed class RunEvidenceTests : EngineTestBase, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <summary>Twelve records: 2 skipped as stale, 3 already deduplicated, 4 fails once transiently, 5 is invalid.</summary>
    private readonly ScriptedSource<TestRecord> _source = new(Enumerable.Range(1, 12).Select(i => Record(i, i)));
    private readonly CollectingDestination<TestRecord> _destination = NewDestination();

    public RunEvidenceTests()
    {
        var failedOnce = 0;
        _destination.Fail = r => r.Key switch
        {
            "2" => RecordOutcome.Skipped,
            "3" => RecordOutcome.Deduplicated,
            "4" when Interlocked.Exchange(ref failedOnce, 1) == 0 => RecordOutcome.Failed(ErrorClass.Transient, "deadlock victim"),
            "5" => RecordOutcome.Failed(ErrorClass.Validation, "amount is negative"),
            _ => null,
        };
    }

    private IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task RunAsync_MixedOutcomes_RecordsCountsErrorsByClassAndSamples()
    {
        var run = await Engine.RunAsync(NewJob(_source, _destination, o => o.Partitions = 1));

        run.Outcome.Should().Be(RunOutcome.CompletedWithDeadLetters);
        run.Counts.Should().Be(new RunCounts(Read: 12, Written: 9, Skipped: 1, Deduplicated: 1, Retried: 1, DeadLettered: 1));
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Transient] = 1, [ErrorClass.Validation] = 1 });
        run.SampleRecordKeys.Should().HaveCount(5).And.OnlyHaveUniqueItems().And.BeSubsetOf(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        run.Job.Should().Be(Job);
        run.StartedAt.Should().Be(T0);
        run.EndedAt.Should().Be(T0);
        run.CursorFrom.Should().BeNull();
        run.CursorTo.Should().Be(Cursor.At(T0.AddSeconds(12), "12"));
        run.Error.Should().BeNull();
        (await Store.Runs.GetRunAsync(run.RunId, default)).Should().BeEquivalentTo(run);
    }

    [Fact]
    public async Task RunAsync_WithAMeterFactory_CountsRecordsRetriesAndErrorsOnTheSyncKitMeter()
    {
        using var read = Collect<long>(SyncKitDiagnostics.Instruments.RecordsRead);
        using var written = Collect<long>(SyncKitDiagnostics.Instruments.RecordsWritten);
        using var skipped = Collect<long>(SyncKitDiagnostics.Instruments.RecordsSkipped);
        using var deduplicated = Collect<long>(SyncKitDiagnostics.Instruments.RecordsDeduplicated);
        using var deadLettered = Collect<long>(SyncKitDiagnostics.Instruments.RecordsDeadLettered);
        using var retries = Collect<long>(SyncKitDiagnostics.Instruments.Retries);
        using var errors = Collect<long>(SyncKitDiagnostics.Instruments.Errors);
        using var runs = Collect<long>(SyncKitDiagnostics.Instruments.Runs);
        using var batches = Collect<double>(SyncKitDiagnostics.Instruments.BatchDuration);
        var engine = new SyncEngine(Store, Time, meterFactory: MeterFactory);

        await engine.RunAsync(NewJob(_source, _destination, o => o.Partitions = 1));

        read.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(12);
        written.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(9);
        skipped.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        deduplicated.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        deadLettered.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        retries.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(1);
        errors.GetMeasurementSnapshot().Select(m => (m.Tags[SyncKitDiagnostics.Tags.ErrorClass], m.Value))
            .Should().BeEquivalentTo([("Transient", 1L), ("Validation", 1L)]);
        runs.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags[SyncKitDiagnostics.Tags.Outcome].Should().Be("CompletedWithDeadLetters");
        batches.GetMeasurementSnapshot().Should().NotBeEmpty();
        written.GetMeasurementSnapshot().Should().OnlyContain(m =>
            (string?)m.Tags[SyncKitDiagnostics.Tags.Tenant] == Job.Tenant && (string?)m.Tags[SyncKitDiagnostics.Tags.Stream] == Job.Stream);
    }

    [Fact]
    public async Task LagGauge_AfterACommit_IsNowMinusTheCheckpointTime()
    {
        using var lag = Collect<double>(SyncKitDiagnostics.Instruments.Lag);
        var engine = new SyncEngine(Store, Time, meterFactory: MeterFactory);
        await engine.RunAsync(NewJob(_source, NewDestination()));

        Time.Advance(TimeSpan.FromHours(1));
        lag.RecordObservableInstruments();

        lag.LastMeasurement!.Value.Should().Be((TimeSpan.FromHours(1) - TimeSpan.FromSeconds(12)).TotalSeconds);
        lag.LastMeasurement.Tags[SyncKitDiagnostics.Tags.Tenant].Should().Be(Job.Tenant);
    }

    [Fact]
    public async Task LagGauge_AfterARestartWhoseRunsCommitNothing_StillReportsTheStoredCheckpoint()
    {
        await Engine.RunAsync(NewJob(_source, NewDestination()));
        using var lag = Collect<double>(SyncKitDiagnostics.Instruments.Lag);
        var restarted = new SyncEngine(Store, Time, meterFactory: MeterFactory);
        var down = new ScriptedSource<TestRecord>();
        down.BeforeRead = (_, _) => throw new SyncException(ErrorClass.Transient, "503 Service Unavailable");

        Time.Advance(TimeSpan.FromHours(2));
        var failed = await restarted.RunAsync(NewJob(down, NewDestination(), o => o.MaxRetryAttempts = 0));
        lag.RecordObservableInstruments();

        failed.Outcome.Should().Be(RunOutcome.Failed);
        lag.LastMeasurement.Should().NotBeNull("a stalled job must show its growing lag");
        lag.LastMeasurement!.Value.Should().Be((TimeSpan.FromHours(2) - TimeSpan.FromSeconds(12)).TotalSeconds);
    }

    [Fact]
    public async Task RunAsync_WithAnActivityListener_RunIdIsTheTraceIdOfTheRunAndItsBatches()
    {
        var job = new JobId("tenant-traced", "invoices");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SyncKitDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var run = await Engine.RunAsync(new SyncJob<TestRecord>(job, _source, _destination, new JsonRecordSerializer<TestRecord>()) { Options = NewJob(_source, _destination).Options });

        var runSpan = stopped.Should().ContainSingle(a => a.OperationName == "synckit.run" && (string?)a.GetTagItem(SyncKitDiagnostics.Tags.Tenant) == job.Tenant).Subject;
        run.RunId.Should().Be(runSpan.TraceId.ToHexString());
        runSpan.GetTagItem(SyncKitDiagnostics.Tags.Outcome).Should().Be(nameof(RunOutcome.CompletedWithDeadLetters));
        var batchSpans = stopped.Where(a => a.OperationName == "synckit.batch" && (string?)a.GetTagItem(SyncKitDiagnostics.Tags.RunId) == run.RunId).ToList();
        batchSpans.Should().NotBeEmpty().And.OnlyContain(a => a.TraceId == runSpan.TraceId && a.ParentSpanId == runSpan.SpanId);
    }

    [Fact]
    public async Task RunAsync_WithoutAListener_StillHasATraceShapedRunId()
    {
        var run = await Engine.RunAsync(NewJob(_source, _destination));

        run.RunId.Should().MatchRegex("^[0-9a-f]{32}$");
        run.RunId.Should().NotBe(new string('0', 32));
    }

    [Fact]
    public async Task RunAsync_Logs_CarryTenantStreamAndRunIdAndTheRecordIdOfADeadLetter()
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var engine = new SyncEngine(Store, Time, loggerFactory);

        var run = await engine.RunAsync(NewJob(_source, _destination, o => o.Partitions = 1));

        var records = logs.Collector.GetSnapshot();
        records.Select(r => r.Id.Id).Should().Contain([1001, 1002, 1005, 2001, 3001]);
        records.Should().OnlyContain(r =>
            r.GetStructuredStateValue("RunId") == run.RunId
            && r.GetStructuredStateValue("Tenant") == Job.Tenant
            && r.GetStructuredStateValue("Stream") == Job.Stream);
        var deadLettered = records.Should().ContainSingle(r => r.Id.Id == 2001).Subject;
        deadLettered.Level.Should().Be(LogLevel.Warning);
        deadLettered.GetStructuredStateValue("RecordId").Should().Be("5");
        deadLettered.GetStructuredStateValue("ErrorClass").Should().Be(nameof(ErrorClass.Validation));
        deadLettered.Message.Should().Contain("amount is negative");
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(MeterFactory, SyncKitDiagnostics.Name, instrument, Time);
}
