using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;
using SyncKit.Internal;
using SyncKit.Resilience.Internal;
using SyncKit.Sources.Internal;

namespace SyncKit.Reconciliation.Internal;

/// <summary>
/// What both kinds of pass share: the job and its capabilities, the throttle, the tally, the gaps carried from earlier
/// passes, the correction decision, and repairs checked against what the destination then holds.
/// </summary>
internal sealed class PassContext<T>
{
    private readonly SyncEngine _engine;
    private readonly IFieldComparer<T> _fields;
    private readonly ulong _sampleSeed;

    public PassContext(SyncEngine engine, SyncJob<T> job, IReconcilableDestination<T> destination, string runId, CorrectionMode correction, DateTimeOffset startedAt, OpenGaps carried)
    {
        _engine = engine;
        Job = job;
        Destination = destination;
        RunId = runId;
        Correction = correction;
        Carried = carried;
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

    /// <summary>The gaps earlier passes left unrepaired; the pass closes those it finds in sync.</summary>
    public OpenGaps Carried { get; }

    /// <summary>Whether the pass repairs and deletes; set by <see cref="Decide"/> once everything is counted.</summary>
    public bool Corrects { get; private set; }

    /// <summary>
    /// Whether the pass repairs the gaps it carried in: not those a paused pass left for an operator, unless the
    /// operator asked for <see cref="CorrectionMode.Always"/>; a clean window of its own says nothing about them.
    /// </summary>
    public bool CorrectsCarried => Corrects && (Correction == CorrectionMode.Always || !Carried.HeldForOperator);

    /// <summary>Whether gaps a paused pass left for an operator are still open after this pass.</summary>
    public bool StillHeldForOperator => Carried.HeldForOperator && Carried.Keys.Count > 0 && !CorrectsCarried;

    /// <summary>Whether a record's fields are compared in this pass.</summary>
    public bool Samples(string key) =>
        Settings.DriftSampleRate >= 1 || (Settings.DriftSampleRate > 0 && StableHash.Fraction(key, _sampleSeed) < Settings.DriftSampleRate);

    public void CompareFields(SourceRecord<T> record, DestinationRow<T> row) =>
        Tally.AddDriftChecked(record.Key, _fields.Compare(record.Value, row.Value));

    /// <summary>
    /// Decides, from the gap rate, whether the pass corrects what it found or only reports it. Gaps it found and will
    /// not correct stay open: they are carried into later passes, and keep health degraded, until one finds them closed.
    /// </summary>
    /// <param name="found">The keys of the gaps the pass found (missing and stale).</param>
    public void Decide(IEnumerable<string> found)
    {
        Tally.CorrectionPaused = Correction == CorrectionMode.Automatic && Tally.GapRate > Settings.GapThreshold;
        Corrects = Correction == CorrectionMode.Always || (Correction == CorrectionMode.Automatic && !Tally.CorrectionPaused);
        if (Tally.CorrectionPaused)
        {
            Log.CorrectionPaused(Services.Logger, RunId, Id.Tenant, Id.Stream, Tally.GapRate, Settings.GapThreshold);
        }

        if (!Corrects)
        {
            foreach (var key in found)
            {
                Tally.AddUnrepaired(key);
            }
        }
    }

    public ValueTask<SourceRecord<T>?> LookupAsync(IKeyLookupSource<T> source, string key, CancellationToken cancellationToken) =>
        Throttle.CallAsync(static (s, token) => s.source.GetAsync(s.Id, s.key, token), (source, Id, key), cancellationToken);

    /// <summary>
    /// Looks up, when the source can, the carried gaps the pass's own comparison did not reach: those the destination
    /// now holds at the source's version (or the source no longer has) are closed, the others join
    /// <paramref name="repairs"/> when the pass corrects them (<see cref="CorrectsCarried"/>). Without a lookup they
    /// stay open as they were.
    /// </summary>
    public async Task RecheckCarriedAsync(List<SourceRecord<T>> repairs, CancellationToken cancellationToken)
    {
        if (Job.Source is not IKeyLookupSource<T> lookup)
        {
            return;
        }

        foreach (var keys in Carried.NotCompared.Chunk(Job.Options.BatchSize).ToList())
        {
            var current = new List<SourceRecord<T>>(keys.Length);
            foreach (var key in keys)
            {
                if (await LookupAsync(lookup, key, cancellationToken).ConfigureAwait(false) is { } record)
                {
                    current.Add(record);
                }
                else
                {
                    Carried.Close(key);
                }
            }

            var held = await HeldVersionsAsync(current, cancellationToken).ConfigureAwait(false);
            foreach (var record in current)
            {
                var inSync = held.TryGetValue(record.Key, out var version) && version == Destination.VersionOf(record);
                Carried.Compared(record.Key, inSync);
                if (!inSync && CorrectsCarried)
                {
                    repairs.Add(record);
                }
            }
        }
    }

    /// <summary>
    /// Re-processes records through the engine's normal idempotent path, in a run that leaves the checkpoint alone,
    /// then reads back what the destination holds: a gap counts as repaired only once it holds the source's version.
    /// A write the destination skipped (it holds a version it orders after the source's) or dead-lettered leaves the
    /// gap unrepaired.
    /// </summary>
    public async Task<RunRecord> RepairAsync(IReadOnlyList<SourceRecord<T>> records, CancellationToken cancellationToken)
    {
        var run = await _engine.RunAsync(Job, new RunRequest<T>(RunKind.Repair, new ListSource<T>(records), Job.Destination), cancellationToken).ConfigureAwait(false);

        // The last record read of a key is the version the repair wrote last.
        var latest = new Dictionary<string, SourceRecord<T>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            latest[record.Key] = record;
        }

        foreach (var chunk in latest.Values.Chunk(Job.Options.BatchSize))
        {
            var held = await HeldVersionsAsync(chunk, cancellationToken).ConfigureAwait(false);
            foreach (var record in chunk)
            {
                if (held.TryGetValue(record.Key, out var version) && version == Destination.VersionOf(record))
                {
                    Tally.AddRepaired();
                    Carried.Close(record.Key);
                }
                else
                {
                    Tally.AddUnrepaired(record.Key);
                }
            }
        }

        return run;
    }

    private async Task<Dictionary<string, string>> HeldVersionsAsync(IReadOnlyCollection<SourceRecord<T>> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return [];
        }

        var rows = await Destination.GetAsync(Id, [.. records.Select(r => r.Key)], cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Key, r => r.Version, StringComparer.Ordinal);
    }

    private void OnRetry(RetryContext retry) =>
        Log.Retrying(Services.Logger, retry.Exception, RunId, Id.Tenant, Id.Stream, "reconcile", retry.Attempt - 1, retry.ErrorClass, retry.Delay);
}

/// <summary>What a pass did besides counting.</summary>
internal sealed record PassResult(RunRecord? Repair, DateTimeOffset? WindowFrom = null, DateTimeOffset? WindowTo = null);
