namespace SyncKit.Reconciliation.Internal;

/// <summary>
/// Re-reads a recent window from the source and compares each record with the destination's row: missing and
/// stale records are gaps, repaired through the engine unless the gap rate pauses correction, together with the
/// carried gaps of earlier passes that the window no longer covers (looked up by key). The window ends
/// where polling claims to be done (checkpoint minus lookback), so records polling has yet to read are not gaps,
/// and everything before it is checked, never trusting the checkpoint.
/// </summary>
internal sealed class IncrementalPass<T>(PassContext<T> pass, IWindowedSource<T> source)
{
    public async Task<PassResult> RunAsync(CancellationToken cancellationToken)
    {
        var options = pass.Job.Options;
        var checkpoint = await pass.Services.Store.Checkpoints.GetAsync(pass.Id, cancellationToken).ConfigureAwait(false);
        var now = pass.Services.TimeProvider.GetUtcNow();
        var to = checkpoint?.Timestamp is { } committed && committed - options.Lookback < now ? committed - options.Lookback : now;
        var from = to - pass.Settings.IncrementalWindow;

        var gaps = new List<SourceRecord<T>>();
        var window = pass.Throttle.ReadAsync(source.ReadWindowAsync(pass.Id, from, to, cancellationToken), options.PageSize, cancellationToken);
        await foreach (var chunk in window.Chunk(options.BatchSize).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await CompareAsync(chunk, gaps, cancellationToken).ConfigureAwait(false);
        }

        pass.Decide(gaps.Select(g => g.Key));
        await pass.RecheckCarriedAsync(gaps, cancellationToken).ConfigureAwait(false);
        var repair = pass.Corrects && gaps.Count > 0 ? await pass.RepairAsync(gaps, cancellationToken).ConfigureAwait(false) : null;
        return new PassResult(repair, from, to);
    }

    private async Task CompareAsync(SourceRecord<T>[] chunk, List<SourceRecord<T>> gaps, CancellationToken cancellationToken)
    {
        var destination = pass.Destination;
        var rows = await destination.GetAsync(pass.Id, [.. chunk.Select(r => r.Key)], cancellationToken).ConfigureAwait(false);
        var byKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var record in chunk)
        {
            pass.Tally.Checked++;
            var found = byKey.TryGetValue(record.Key, out var row);
            var inSync = found && row!.Version == destination.VersionOf(record);
            pass.Carried.Compared(record.Key, inSync);
            if (found)
            {
                pass.Tally.AddStaleCompared();
            }

            if (!found)
            {
                pass.Tally.AddMissing(record.Key);
                gaps.Add(record);
            }
            else if (!inSync)
            {
                pass.Tally.AddStale(record.Key);
                gaps.Add(record);
            }
            else if (pass.Samples(record.Key))
            {
                pass.CompareFields(record, row!);
            }
        }
    }
}
