using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using static SyncKit.SyncKitDiagnostics;

namespace SyncKit.Diagnostics.Internal;

/// <summary>The <c>SyncKit</c> meter's instruments, plus the per-job values the gauges observe.</summary>
internal sealed class SyncKitMetrics
{
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<JobId, DateTimeOffset> _checkpointTimes = new();
    private readonly ConcurrentDictionary<JobId, Func<int>> _queueDepths = new();
    private readonly ConcurrentDictionary<JobId, int> _deadLetterSizes = new();

    public SyncKitMetrics(IMeterFactory? meterFactory, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var meter = meterFactory?.Create(new MeterOptions(Name) { Version = SyncKitDiagnostics.Version }) ?? new Meter(Name, SyncKitDiagnostics.Version);
        RecordsRead = meter.CreateCounter<long>(Instruments.RecordsRead, "{record}", "Records read from sources.");
        RecordsWritten = meter.CreateCounter<long>(Instruments.RecordsWritten, "{record}", "Records written to destinations.");
        RecordsSkipped = meter.CreateCounter<long>(Instruments.RecordsSkipped, "{record}", "Records skipped as stale.");
        RecordsDeduplicated = meter.CreateCounter<long>(Instruments.RecordsDeduplicated, "{record}", "Records whose one-time effect had already happened.");
        RecordsDeadLettered = meter.CreateCounter<long>(Instruments.RecordsDeadLettered, "{record}", "Records sent to the dead-letter queue.");
        Retries = meter.CreateCounter<long>(Instruments.Retries, "{attempt}", "Retry attempts.");
        Errors = meter.CreateCounter<long>(Instruments.Errors, "{error}", "Failures by class.");
        Runs = meter.CreateCounter<long>(Instruments.Runs, "{run}", "Finished runs by outcome.");
        BatchDuration = meter.CreateHistogram<double>(Instruments.BatchDuration, "s", "Time to write and commit one batch.");
        meter.CreateObservableGauge(Instruments.Lag, ObserveLag, "s", "Now minus the checkpoint's timestamp.");
        meter.CreateObservableGauge(Instruments.QueueDepth, ObserveQueueDepth, "{record}", "Records read but not yet committed.");
        meter.CreateObservableGauge(Instruments.DeadLetterSize, ObserveDeadLetters, "{record}", "Dead letters per job.");
    }

    public Counter<long> RecordsRead { get; }

    public Counter<long> RecordsWritten { get; }

    public Counter<long> RecordsSkipped { get; }

    public Counter<long> RecordsDeduplicated { get; }

    public Counter<long> RecordsDeadLettered { get; }

    public Counter<long> Retries { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Runs { get; }

    public Histogram<double> BatchDuration { get; }

    public static TagList TagsFor(JobId job) => new()
    {
        { Tags.Tenant, job.Tenant },
        { Tags.Stream, job.Stream },
    };

    /// <summary>Counts a finished run of any kind by outcome.</summary>
    public void RunEnded(JobId job, RunKind kind, RunOutcome outcome)
    {
        var tags = TagsFor(job);
        tags.Add(Tags.Outcome, outcome.ToString());
        tags.Add(Tags.RunKind, kind.ToString());
        Runs.Add(1, tags);
    }

    public void CheckpointCommitted(JobId job, Cursor cursor)
    {
        if (cursor.Timestamp is { } timestamp)
        {
            _checkpointTimes[job] = timestamp;
        }
    }

    public void TrackQueue(JobId job, Func<int> depth) => _queueDepths[job] = depth;

    public void UntrackQueue(JobId job) => _queueDepths.TryRemove(job, out _);

    public void DeadLettersCounted(JobId job, int size) => _deadLetterSizes[job] = size;

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = _timeProvider.GetUtcNow();
        return _checkpointTimes.Select(p => new Measurement<double>((now - p.Value).TotalSeconds, TagsFor(p.Key)));
    }

    private IEnumerable<Measurement<int>> ObserveQueueDepth() =>
        _queueDepths.Select(p => new Measurement<int>(p.Value(), TagsFor(p.Key)));

    private IEnumerable<Measurement<int>> ObserveDeadLetters() =>
        _deadLetterSizes.Select(p => new Measurement<int>(p.Value, TagsFor(p.Key)));
}
