using SyncKit.Diagnostics.Internal;

namespace SyncKit.Reconciliation.Internal;

/// <summary>
/// Compares every key at the source with every key at the destination. The destination's keys are loaded once
/// and the source's streamed against them, so memory holds one side, not two. Keys only the source has are
/// missing (repaired); keys only the destination has are confirmed one by one through the source's lookup by
/// key: gone means deleted at the destination, still there means the listing's scope changed (reported, never
/// deleted). A sample of common keys is looked up to find stale versions and drifted fields (the gap rate counts
/// stale records at the rate found in the sample, not the sample's count), and gaps earlier passes left open are
/// looked up to see whether they still are. Lookups run up to
/// <see cref="ReconciliationSettings.LookupConcurrency"/> at once; their results are taken in key order, so the
/// report does not depend on which answered first.
/// </summary>
internal sealed class FullPass<T>(PassContext<T> pass, IKeyListingSource listing, IKeyLookupSource<T> lookup)
{
    private readonly int _batchSize = pass.Job.Options.BatchSize;

    public async Task<PassResult> RunAsync(CancellationToken cancellationToken)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        var sampled = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var key in pass.Destination.ListKeysAsync(pass.Id, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            held.Add(key.Key);
            if (pass.Samples(key.Key))
            {
                sampled[key.Key] = key.Version;
            }
        }

        var missing = new List<string>();
        var stale = new List<SourceRecord<T>>();
        var drift = new List<(string Key, string Version)>(_batchSize);
        var keys = pass.Throttle.ReadAsync(listing.ListKeysAsync(pass.Id, cancellationToken), pass.Job.Options.PageSize, cancellationToken);
        await foreach (var key in keys.ConfigureAwait(false))
        {
            pass.Tally.Checked++;
            if (!held.Remove(key))
            {
                pass.Tally.AddMissing(key);
                pass.Carried.Compared(key, inSync: false);
                missing.Add(key);
            }
            else if (sampled.Remove(key, out var version))
            {
                drift.Add((key, version));
                if (drift.Count == _batchSize)
                {
                    await CheckSampleAsync(drift, stale, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await CheckSampleAsync(drift, stale, cancellationToken).ConfigureAwait(false);
        foreach (var key in held)
        {
            pass.Tally.AddExtra(key);
        }

        pass.Tally.Checked += held.Count;
        pass.Decide(missing.Concat(stale.Select(r => r.Key)));

        // Above the threshold nothing is confirmed either: a listing that lost most keys must not cost a lookup each.
        if (!pass.Tally.CorrectionPaused)
        {
            await ConfirmExtraAsync(held, cancellationToken).ConfigureAwait(false);
        }

        await pass.RecheckCarriedAsync(stale, cancellationToken).ConfigureAwait(false);
        if (!pass.Corrects)
        {
            return new PassResult(null);
        }

        var repairs = await FetchAsync(missing, cancellationToken).ConfigureAwait(false);
        repairs.AddRange(stale);
        return new PassResult(repairs.Count > 0 ? await pass.RepairAsync(repairs, cancellationToken).ConfigureAwait(false) : null);
    }

    /// <summary>Looks sampled common keys up at the source: another version is stale, the same version is checked field by field.</summary>
    private async Task CheckSampleAsync(List<(string Key, string Version)> sample, List<SourceRecord<T>> stale, CancellationToken cancellationToken)
    {
        if (sample.Count == 0)
        {
            return;
        }

        var current = new List<SourceRecord<T>>(sample.Count);
        var found = await LookupAllAsync([.. sample.Select(s => s.Key)], cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < sample.Count; i++)
        {
            // A record deleted since the listing is the next pass's business.
            if (found[i] is not { } record)
            {
                continue;
            }

            var (key, version) = sample[i];
            pass.Tally.AddStaleCompared();
            var inSync = pass.Destination.VersionOf(record) == version;
            pass.Carried.Compared(key, inSync);
            if (!inSync)
            {
                pass.Tally.AddStale(key);
                stale.Add(record);
            }
            else
            {
                current.Add(record);
            }
        }

        sample.Clear();
        if (current.Count == 0)
        {
            return;
        }

        var rows = await pass.Destination.GetAsync(pass.Id, [.. current.Select(r => r.Key)], cancellationToken).ConfigureAwait(false);
        var byKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var record in current)
        {
            if (byKey.TryGetValue(record.Key, out var row))
            {
                pass.CompareFields(record, row);
            }
        }
    }

    private async Task ConfirmExtraAsync(HashSet<string> extra, CancellationToken cancellationToken)
    {
        var gone = new List<string>(_batchSize);
        foreach (var keys in extra.Order(StringComparer.Ordinal).Chunk(_batchSize))
        {
            var found = await LookupAllAsync(keys, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < keys.Length; i++)
            {
                var key = keys[i];
                if (found[i] is not null)
                {
                    pass.Tally.AddStillAtSource(key);
                    Log.StillAtSource(pass.Services.Logger, pass.RunId, pass.Id.Tenant, pass.Id.Stream, key);
                    continue;
                }

                pass.Tally.AddGoneAtSource();
                if (pass.Corrects)
                {
                    gone.Add(key);
                    if (gone.Count == _batchSize)
                    {
                        await DeleteAsync(gone, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        await DeleteAsync(gone, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Propagates confirmed deletions, each with an audit entry (a deletion's position is when it was found).</summary>
    private async Task DeleteAsync(List<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }

        await pass.Destination.DeleteAsync(pass.Id, keys, cancellationToken).ConfigureAwait(false);
        var now = pass.Services.TimeProvider.GetUtcNow();
        var audit = keys.ConvertAll(k => new AuditEntry(pass.RunId, pass.Id, k, Cursor.At(now, k), AuditActions.Deleted, now));
        await pass.Services.Store.Runs.AppendAuditAsync(audit, cancellationToken).ConfigureAwait(false);
        pass.Tally.AddDeleted(keys);
        keys.Clear();
    }

    private async Task<List<SourceRecord<T>>> FetchAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var found = await LookupAllAsync(keys, cancellationToken).ConfigureAwait(false);
        return [.. found.Where(r => r.HasValue).Select(r => r!.Value)];
    }

    /// <summary>
    /// Looks keys up, up to <see cref="ReconciliationSettings.LookupConcurrency"/> at once; the results are in the
    /// keys' order. A lookup that fails (after the pipeline's retries) fails the pass: it is never taken for "gone".
    /// </summary>
    private async Task<SourceRecord<T>?[]> LookupAllAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var found = new SourceRecord<T>?[keys.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = pass.Settings.LookupConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), parallel, async (i, token) =>
            found[i] = await pass.LookupAsync(lookup, keys[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return found;
    }
}
