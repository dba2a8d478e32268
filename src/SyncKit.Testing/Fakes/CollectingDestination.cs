using System.Collections.Concurrent;

namespace SyncKit.Testing;

/// <summary>
/// An idempotent in-memory destination: upserts by key and skips a record whose version is not newer than
/// the stored one (patterns A and C). It can fail chosen records or whole batches, and, with
/// <see cref="WritesInStateTransaction"/>, applies its writes only when the in-memory store's transaction commits.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class CollectingDestination<T> : IDestination<T>
{
    private readonly Func<T, long> _version;
    private readonly ConcurrentDictionary<string, T> _rows = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Exception> _batchFaults = new();
    private long _writeCount;

    /// <summary>Creates the destination.</summary>
    /// <param name="version">A record's version; a write whose version is not newer than the stored one is skipped.</param>
    public CollectingDestination(Func<T, long> version) =>
        _version = version ?? throw new ArgumentNullException(nameof(version));

    /// <summary>The rows, by key.</summary>
    public IReadOnlyDictionary<string, T> Rows => _rows;

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
    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken)
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

        var outcomes = new RecordOutcome[batch.Records.Count];
        var writes = new List<SourceRecord<T>>(batch.Records.Count);
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i];
            if (Fail?.Invoke(record) is { } failure)
            {
                outcomes[i] = failure;
            }
            else if (_rows.TryGetValue(record.Key, out var existing) && _version(existing) >= _version(record.Value))
            {
                outcomes[i] = RecordOutcome.Skipped;
            }
            else
            {
                outcomes[i] = RecordOutcome.Written;
                writes.Add(record);
            }
        }

        if (batch.Transaction is InMemoryStateTransaction transaction)
        {
            transaction.OnCommit(() => Apply(writes));
        }
        else
        {
            Apply(writes);
        }

        return outcomes;
    }

    private void Apply(List<SourceRecord<T>> writes)
    {
        foreach (var record in writes)
        {
            _rows.AddOrUpdate(record.Key, record.Value, (_, existing) => _version(existing) >= _version(record.Value) ? existing : record.Value);
            Interlocked.Increment(ref _writeCount);
        }
    }
}
