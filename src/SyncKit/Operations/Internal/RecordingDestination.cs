using System.Collections.Concurrent;

namespace SyncKit.Operations.Internal;

/// <summary>
/// The destination of a replay: records what would be written and writes nothing. When the real destination can
/// say what it holds, records it already holds at the same version are recorded as unchanged.
/// </summary>
internal sealed class RecordingDestination<T>(IReconcilableDestination<T>? current) : IDestination<T>
{
    private readonly ConcurrentQueue<ReplayOperation<T>> _operations = new();

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken)
    {
        var held = current is null
            ? null
            : (await current.GetAsync(batch.Job, [.. batch.Records.Select(r => r.Key)], cancellationToken).ConfigureAwait(false))
                .ToDictionary(r => r.Key, r => r.Version, StringComparer.Ordinal);
        var outcomes = new RecordOutcome[batch.Records.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i];
            var unchanged = held is not null && held.TryGetValue(record.Key, out var version) && version == current!.VersionOf(record);
            _operations.Enqueue(new ReplayOperation<T>(unchanged ? ReplayAction.Unchanged : ReplayAction.Write, record));
            outcomes[i] = unchanged ? RecordOutcome.Skipped : RecordOutcome.Written;
        }

        return outcomes;
    }

    public IReadOnlyList<ReplayOperation<T>> Operations() =>
        [.. _operations.OrderBy(o => o.Record.Position).ThenBy(o => o.Record.Key, StringComparer.Ordinal)];
}
