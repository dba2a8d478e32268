using System.Diagnostics;

namespace SyncKit.Benchmarks.Engine;

/// <summary>
/// Runs a large backlog through the engine from a source that makes records on the fly, and reports the
/// peak working set: the bounded channels must keep memory flat however large the backlog.
/// </summary>
public static class BacklogMemoryMeasurement
{
    public static async Task<int> RunAsync(long recordCount)
    {
        var engine = new SyncEngine(new InMemorySyncStateStore());
        var job = new SyncJob<Row>(new JobId("tenant", "backlog"), new GeneratingSource(recordCount), new CountingDestination(), new JsonRecordSerializer<Row>())
        {
            Options = new SyncJobOptions { PageSize = 1_000, BatchSize = 1_000 },
        };
        var stopwatch = Stopwatch.StartNew();
        var run = await engine.RunAsync(job);
        stopwatch.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine($"records: {run.Counts.Written:N0}, outcome: {run.Outcome}, elapsed: {stopwatch.Elapsed}, peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MB");
        return run.Counts.Written == recordCount ? 0 : 1;
    }

    private sealed class GeneratingSource(long count) : ISource<Row>
    {
        private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public ValueTask<SourcePage<Row>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
        {
            var start = after is null ? 0 : long.Parse(after.Id, System.Globalization.CultureInfo.InvariantCulture) + 1;
            var size = (int)Math.Min(context.PageSize, count - start);
            var records = new SourceRecord<Row>[size];
            for (var i = 0; i < size; i++)
            {
                var n = start + i;
                var id = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var at = T0.AddTicks(n);
                records[i] = new SourceRecord<Row>(id, Cursor.At(at, id), new Row(n, at, 1));
            }

            return ValueTask.FromResult(new SourcePage<Row>(records, start + size < count));
        }
    }

    private sealed class CountingDestination : IDestination<Row>
    {
        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<Row> batch, CancellationToken cancellationToken)
        {
            var outcomes = new RecordOutcome[batch.Records.Count];
            Array.Fill(outcomes, RecordOutcome.Written);
            return ValueTask.FromResult<IReadOnlyList<RecordOutcome>>(outcomes);
        }
    }
}
