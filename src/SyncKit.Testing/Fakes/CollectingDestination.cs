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
/// <typeparam name="T">The record type.</typeparam>
public sealed class CollectingDestination<T> : IDestination<T>, IReconcilableDestination<T>, IOverwritableDestination<T>
{
    private readonly Func<T, long> _version;
    private readonly ConcurrentDictionary<string, T> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deleted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Exception> _batchFaults = new();
    private long _writeCount;

    /// <summary>Creates the destination.</summary>
    /// <param name="version">A record's version; a write whose version is not newer than the stored one is skipped.</param>
    public CollectingDestination(Func<T, long> version) =>
        _version = version ?? throw new ArgumentNullException(nameof(version));

    /// <summary>The rows, by key, soft-deleted ones included.</summary>
    public IReadOnlyDictionary<string, T> Rows => _rows;

    /// <summary>The keys of soft-deleted rows.</summary>
    public IReadOnlyCollection<string> DeletedKeys => [.. _deleted.Keys];

    /// <summary>How many times a row was written (an idempotent replay adds nothing here).</summary>
    public long WriteCount => Interlocked.Read(ref _writeCount);

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
        var writes = new List<SourceRecord<T>>(count);
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
            else
            {
                writes.Add(record);
            }
        }

        if (batch.Transaction is InMemoryStateTransaction transaction)
        {
            transaction.OnCommit(() => Apply(writes, overwrite));
        }
        else
        {
            Apply(writes, overwrite);
        }

        return outcomes ?? RecordOutcomes.All(RecordOutcome.Written, count);
    }

    private string VersionString(T value) => _version(value).ToString(CultureInfo.InvariantCulture);

    private void Apply(List<SourceRecord<T>> writes, bool overwrite)
    {
        foreach (var record in writes)
        {
            _rows.AddOrUpdate(record.Key, record.Value, (_, existing) => !overwrite && _version(existing) >= _version(record.Value) ? existing : record.Value);
            _deleted.TryRemove(record.Key, out _);
            Interlocked.Increment(ref _writeCount);
        }
    }
}
