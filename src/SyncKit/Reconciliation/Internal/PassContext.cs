using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Internal;
using SyncKit.Sources.Internal;

namespace SyncKit.Reconciliation.Internal;

/// <summary>What both kinds of pass share: the job and its capabilities, the throttle, the tally and the correction decision.</summary>
internal sealed class PassContext<T>
{
    private readonly SyncEngine _engine;
    private readonly IFieldComparer<T> _fields;
    private readonly ulong _sampleSeed;

    public PassContext(SyncEngine engine, SyncJob<T> job, IReconcilableDestination<T> destination, string runId, CorrectionMode correction, DateTimeOffset startedAt)
    {
        _engine = engine;
        Job = job;
        Destination = destination;
        RunId = runId;
        Correction = correction;
        Tally = new PassTally(Settings.ReportedKeys);
        Throttle = new SourceThrottle(engine.Services, job.Options, job.Id, OnRetry);
        _fields = job.FieldComparer ?? new JsonFieldComparer<T>(job.Serializer);

        // Each pass samples different records, so successive passes cover them all.
        _sampleSeed = (ulong)startedAt.UtcTicks;
    }

    public SyncJob<T> Job { get; }

    public JobId Id => Job.Id;

    public ReconciliationSettings Settings => Job.Options.Reconciliation;

    public EngineServices Services => _engine.Services;

    public IReconcilableDestination<T> Destination { get; }

    public string RunId { get; }

    public CorrectionMode Correction { get; }

    public PassTally Tally { get; }

    public SourceThrottle Throttle { get; }

    /// <summary>Whether the pass repairs and deletes; set by <see cref="Decide"/> once everything is counted.</summary>
    public bool Corrects { get; private set; }

    /// <summary>Whether a record's fields are compared in this pass.</summary>
    public bool Samples(string key) =>
        Settings.DriftSampleRate >= 1 || (Settings.DriftSampleRate > 0 && StableHash.Fraction(key, _sampleSeed) < Settings.DriftSampleRate);

    public void CompareFields(SourceRecord<T> record, DestinationRow<T> row) =>
        Tally.AddDriftChecked(record.Key, _fields.Compare(record.Value, row.Value));

    /// <summary>Decides, from the gap rate, whether the pass corrects what it found or only reports it.</summary>
    public void Decide()
    {
        Tally.CorrectionPaused = Correction == CorrectionMode.Automatic && Tally.GapRate > Settings.GapThreshold;
        Corrects = Correction == CorrectionMode.Always || (Correction == CorrectionMode.Automatic && !Tally.CorrectionPaused);
        if (Tally.CorrectionPaused)
        {
            Log.CorrectionPaused(Services.Logger, RunId, Id.Tenant, Id.Stream, Tally.GapRate, Settings.GapThreshold);
        }
    }

    public ValueTask<SourceRecord<T>?> LookupAsync(IKeyLookupSource<T> source, string key, CancellationToken cancellationToken) =>
        Throttle.CallAsync(static (s, token) => s.source.GetAsync(s.Id, s.key, token), (source, Id, key), cancellationToken);

    /// <summary>Re-processes records through the engine's normal idempotent path, in a run that leaves the checkpoint alone.</summary>
    public Task<RunRecord> RepairAsync(IReadOnlyList<SourceRecord<T>> records, CancellationToken cancellationToken) =>
        _engine.RunAsync(Job, new RunRequest<T>(RunKind.Repair, new ListSource<T>(records), Job.Destination), cancellationToken);

    private void OnRetry(Resilience.Internal.RetryContext retry) =>
        Log.Retrying(Services.Logger, retry.Exception, RunId, Id.Tenant, Id.Stream, "reconcile", retry.Attempt - 1, retry.ErrorClass, retry.Delay);
}

/// <summary>What a pass did besides counting.</summary>
internal sealed record PassResult(RunRecord? Repair, DateTimeOffset? WindowFrom = null, DateTimeOffset? WindowTo = null);
