using System.Collections.Concurrent;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>
/// A CRM table in memory: upserts by key and skips a write whose <c>updated_at</c> is older than the stored one
/// (equal timestamps overwrite: VOMO's whole seconds cannot order two changes within one second).
/// </summary>
public sealed class InMemoryCrm<T>(Func<T, DateTimeOffset> updatedAt) : IDestination<T>
{
    private readonly ConcurrentDictionary<string, T> _rows = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, T> Rows => _rows;

    public Func<DestinationBatch<T>, CancellationToken, ValueTask>? BeforeWrite { get; set; }

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken)
    {
        if (BeforeWrite is { } beforeWrite)
        {
            await beforeWrite(batch, cancellationToken);
        }

        var outcomes = new List<RecordOutcome>(batch.Records.Count);
        foreach (var record in batch.Records)
        {
            // The engine applies one key's changes in order, from one partition: no race on a key.
            var stale = _rows.TryGetValue(record.Key, out var existing) && updatedAt(existing) > updatedAt(record.Value);
            if (!stale)
            {
                _rows[record.Key] = record.Value;
            }

            outcomes.Add(stale ? RecordOutcome.Skipped : RecordOutcome.Written);
        }

        return outcomes;
    }
}
