using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Benchmarks.Engine;

namespace SyncKit.Benchmarks.Reconciliation;

/// <summary>
/// The keys of a source and of a destination that lacks some of them, both over the same pre-built strings so
/// neither side of a benchmark pays for making keys; and the two ways of diffing them.
/// </summary>
public sealed class KeySpace : ISource<Row>, IKeyListingSource, IKeyLookupSource<Row>, IDestination<Row>, IReconcilableDestination<Row>
{
    private const string Version = "1";
    private static readonly JobId Job = new("tenant", "rows");
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string[] _sourceKeys;
    private readonly string[] _destinationKeys;

    private KeySpace(string[] sourceKeys, string[] destinationKeys)
    {
        _sourceKeys = sourceKeys;
        _destinationKeys = destinationKeys;
    }

    /// <summary>Keys 0..count-1 at the source; the destination lacks every <paramref name="missingEvery"/>-th.</summary>
    public static KeySpace Create(int count, int missingEvery)
    {
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new KeySpace(keys, [.. keys.Where((_, i) => i % missingEvery != 0)]);
    }

    /// <summary>The baseline: both key sets in hash sets, then each diffed against the other.</summary>
    public async Task<int> HandWrittenDiffAsync()
    {
        var source = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in ListKeysAsync(Job, default))
        {
            source.Add(key);
        }

        var destination = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var key in ((IReconcilableDestination<Row>)this).ListKeysAsync(Job, default))
        {
            destination.Add(key.Key);
        }

        var missing = source.Count(k => !destination.Contains(k));
        var extra = destination.Count(k => !source.Contains(k));
        return missing + extra;
    }

    /// <summary>A full reconciliation pass over the same keys, repairs and report included.</summary>
    public async Task<long> SyncKitFullReconcileAsync()
    {
        var engine = new SyncEngine(new InMemorySyncStateStore(), loggerFactory: NullLoggerFactory.Instance);
        var options = new SyncJobOptions { PageSize = 1_000, BatchSize = 1_000 };
        options.Reconciliation.DriftSampleRate = 0;
        var job = new SyncJob<Row>(Job, this, this, new JsonRecordSerializer<Row>()) { Options = options };
        var run = await new SyncReconciler(engine).ReconcileFullAsync(job);
        return ReconciliationReport.FromRun(run)!.Missing;
    }

    public ValueTask<SourcePage<Row>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SourcePage<Row>.Empty);

    public IAsyncEnumerable<string> ListKeysAsync(JobId job, CancellationToken cancellationToken) => _sourceKeys.ToAsyncEnumerable();

    public ValueTask<SourceRecord<Row>?> GetAsync(JobId job, string key, CancellationToken cancellationToken)
    {
        var id = long.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
        return ValueTask.FromResult<SourceRecord<Row>?>(new SourceRecord<Row>(key, Cursor.At(T0, key), new Row(id, T0, 1)));
    }

    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Row> batch, CancellationToken cancellationToken)
    {
        var outcomes = new RecordOutcome[batch.Records.Count];
        Array.Fill(outcomes, RecordOutcome.Written);
        return ValueTask.FromResult<IReadOnlyList<RecordOutcome>>(outcomes);
    }

    IAsyncEnumerable<DestinationKey> IReconcilableDestination<Row>.ListKeysAsync(JobId job, CancellationToken cancellationToken) =>
        _destinationKeys.Select(k => new DestinationKey(k, Version)).ToAsyncEnumerable();

    ValueTask<IReadOnlyList<DestinationRow<Row>>> IReconcilableDestination<Row>.GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DestinationRow<Row>>>([]);

    public string VersionOf(SourceRecord<Row> record) => Version;

    public ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
