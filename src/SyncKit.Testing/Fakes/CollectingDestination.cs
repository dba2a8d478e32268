using System.Collections.Concurrent;
using System.Globalization;

namespace SyncKit.Testing;

/// <summary>
/// An idempotent in-memory destination: upserts by key and skips a record whose version is not newer than
/// the stored one (patterns A and C). It can fail chosen records or whole batches, and, with
/// <see cref="WritesInStateTransaction"/>, applies its writes only when the in-memory store's transaction commits.
/// For reconciliation it lists and reads its rows with their versions and soft-deletes: a deleted row stays in
/// <see cref="Rows"/>, is listed in <see cref="DeletedKeys"/>, and comes back when a newer version is written.
/// For a force repair it overwrites whatever version it holds (<see cref="OverwriteAsync"/>).
/// </summary>
/// <remarks>
/// To check how often the engine delivered a record, use <see cref="Deliveries"/>, not <see cref="WriteCount"/>:
/// an idempotent destination hides a repeated delivery (it is skipped as stale), so a count of writes stays the
/// same whether each record arrived once or twice.
/// </remarks>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CollectingDestination<T> : IDestination<T>, IReconcilableDestination<T>, IOverwritableDestination<T>
{
    private readonly Func<T, long> _version;
    private readonly ConcurrentDictionary<string, T> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deleted = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Exception> _batchFaults = new();
    private long _writeCount;
    private long _deliveryCount;

    /// <summary>Creates the destination.</summary>
    /// <param name="version">A record's version; a write whose version is not newer than the stored one is skipped.</param>
    public CollectingDestination(Func<T, long> version) =>
        _version = version ?? throw new ArgumentNullException(nameof(version));

    /// <summary>The rows, by key, soft-deleted ones included.</summary>
    public IReadOnlyDictionary<string, T> Rows => _rows;

    /// <summary>The keys of soft-deleted rows.</summary>
    public IReadOnlyCollection<string> DeletedKeys => [.. _deleted.Keys];

    /// <summary>How many times a row was written: a record skipped as stale, a repeated delivery included, adds nothing here.</summary>
    public long WriteCount => Interlocked.Read(ref _writeCount);

    /// <summary>
    /// How many times a record of each key was delivered: accepted by this destination, written or skipped as stale.
    /// A record failed by <see cref="Fail"/> or in a batch that threw is not delivered. With
    /// <see cref="WritesInStateTransaction"/> a delivery counts when its transaction commits, as its effect does.
    /// </summary>
    public IReadOnlyDictionary<string, int> Deliveries => _deliveries;

    /// <summary>How many deliveries there were, over all keys (the sum of <see cref="Deliveries"/>).</summary>
    public long DeliveryCount => Interlocked.Read(ref _deliveryCount);

    /// <summary>Decides a record's outcome before it is written; return <see langword="null"/> to write it.</summary>
    public Func<SourceRecord<T>, RecordOutcome?>? Fail { get; set; }

    /// <summary>Called at the start of each batch; a test can block or observe here.</summary>
    public Func<DestinationBatch<T>, CancellationToken, ValueTask>? BeforeWrite { get; set; }

    /// <summary>Whether writes wait for the in-memory store's transaction to commit.</summary>
    public bool WritesInStateTransaction { get; init; }

    /// <summary>Makes the next batch throw <paramref name="exception"/> (queued faults fail successive batches).</summary>
    /// <param name="exception">The failure.</param>
    public void FailNextBatch(Exception exception) => _batchFaults.Enqueue(exception);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, overwrite: false, cancellationToken);

    /// <summary>Writes the batch as <see cref="WriteAsync(DestinationBatch{T}, CancellationToken)"/> does, but replaces rows whatever version they hold.</summary>
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> OverwriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, overwrite: true, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<DestinationKey> ListKeysAsync(JobId job, CancellationToken cancellationToken) =>
        _rows.Where(p => !_deleted.ContainsKey(p.Key)).Select(p => new DestinationKey(p.Key, VersionString(p.Value))).ToAsyncEnumerable();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DestinationRow<T>>> GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var rows = new List<DestinationRow<T>>(keys.Count);
        foreach (var key in keys)
        {
            if (_rows.TryGetValue(key, out var value) && !_deleted.ContainsKey(key))
            {
                rows.Add(new DestinationRow<T>(key, VersionString(value), value));
            }
        }

        return ValueTask.FromResult<IReadOnlyList<DestinationRow<T>>>(rows);
    }

    /// <inheritdoc />
    public string VersionOf(SourceRecord<T> record) => VersionString(record.Value);

    /// <inheritdoc />
    public ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var key in keys.Where(_rows.ContainsKey))
        {
            _deleted.TryAdd(key, 0);
        }

        return ValueTask.CompletedTask;
    }

    private async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (BeforeWrite is { } beforeWrite)
        {
            await beforeWrite(batch, cancellationToken).ConfigureAwait(false);
        }

        if (_batchFaults.TryDequeue(out var fault))
        {
            throw fault;
        }

        // An outcome array is built only once a record is not written, as RecordOutcomes.All suggests.
        var count = batch.Records.Count;
        RecordOutcome[]? outcomes = null;
        var delivered = new List<(SourceRecord<T> Record, bool Written)>(count);
        for (var i = 0; i < count; i++)
        {
            var record = batch.Records[i];
            RecordOutcome? notWritten = Fail?.Invoke(record) is { } failure
                ? failure
                : !overwrite && _rows.TryGetValue(record.Key, out var existing) && _version(existing) >= _version(record.Value) ? RecordOutcome.Skipped : null;
            if (notWritten is { } outcome)
            {
                outcomes ??= [.. RecordOutcomes.All(RecordOutcome.Written, count)];
                outcomes[i] = outcome;
            }

            if (notWritten is not { Kind: RecordOutcomeKind.Failed })
            {
                delivered.Add((record, notWritten is null));
            }
        }

        if (batch.Transaction is InMemoryStateTransaction transaction)
        {
            transaction.OnCommit(() => Apply(delivered, overwrite));
        }
        else
        {
            Apply(delivered, overwrite);
        }

        return outcomes ?? RecordOutcomes.All(RecordOutcome.Written, count);
    }

    private string VersionString(T value) => _version(value).ToString(CultureInfo.InvariantCulture);

    private void Apply(List<(SourceRecord<T> Record, bool Written)> delivered, bool overwrite)
    {
        foreach (var (record, written) in delivered)
        {
            _deliveries.AddOrUpdate(record.Key, 1, (_, deliveries) => deliveries + 1);
            Interlocked.Increment(ref _deliveryCount);
            if (written)
            {
                _rows.AddOrUpdate(record.Key, record.Value, (_, existing) => !overwrite && _version(existing) >= _version(record.Value) ? existing : record.Value);
                _deleted.TryRemove(record.Key, out _);
                Interlocked.Increment(ref _writeCount);
            }
        }
    }
}
