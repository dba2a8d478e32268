using System.Collections.Concurrent;

namespace SyncKit.Benchmarks.Engine;

public sealed record Row(long Id, DateTimeOffset UpdatedAt, long Version);

/// <summary>A source over pre-built records that serves pages by slicing, optionally after a simulated I/O delay.</summary>
public sealed class ArraySource(SourceRecord<Row>[] records, TimeSpan delayPerPage = default) : ISource<Row>
{
    public async ValueTask<SourcePage<Row>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        if (delayPerPage > TimeSpan.Zero)
        {
            await Task.Delay(delayPerPage, cancellationToken);
        }

        // Positions are (t0 + i seconds, i): the index after the cursor is its id + 1.
        var start = after is null ? 0 : (int)long.Parse(after.Id, System.Globalization.CultureInfo.InvariantCulture) + 1;
        var count = Math.Min(context.PageSize, records.Length - start);
        return new SourcePage<Row>(new ArraySegment<SourceRecord<Row>>(records, start, count), start + count < records.Length);
    }

    public static SourceRecord<Row>[] Create(int count)
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var records = new SourceRecord<Row>[count];
        for (var i = 0; i < count; i++)
        {
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            records[i] = new SourceRecord<Row>(id, Cursor.At(t0.AddSeconds(i), id), new Row(i, t0.AddSeconds(i), 1));
        }

        return records;
    }
}

/// <summary>Upserts each record into a dictionary with a version check (pattern C), optionally after a simulated I/O delay per batch.</summary>
public sealed class DictionaryDestination(TimeSpan delayPerBatch = default) : IDestination<Row>
{
    public ConcurrentDictionary<long, Row> Rows { get; } = new();

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Row> batch, CancellationToken cancellationToken)
    {
        if (delayPerBatch > TimeSpan.Zero)
        {
            await Task.Delay(delayPerBatch, cancellationToken);
        }

        // Most batches are written whole: an array is built only once a record differs (RecordOutcomes.All's pattern).
        var records = batch.Records;
        RecordOutcome[]? outcomes = null;
        for (var i = 0; i < records.Count; i++)
        {
            if (!Upsert(records[i].Value))
            {
                outcomes ??= [.. RecordOutcomes.All(RecordOutcome.Written, records.Count)];
                outcomes[i] = RecordOutcome.Skipped;
            }
        }

        return outcomes ?? RecordOutcomes.All(RecordOutcome.Written, records.Count);
    }

    public bool Upsert(Row row)
    {
        while (true)
        {
            if (!Rows.TryGetValue(row.Id, out var existing))
            {
                if (Rows.TryAdd(row.Id, row))
                {
                    return true;
                }

                continue;
            }

            if (existing.Version >= row.Version)
            {
                return false;
            }

            if (Rows.TryUpdate(row.Id, row, existing))
            {
                return true;
            }
        }
    }
}
