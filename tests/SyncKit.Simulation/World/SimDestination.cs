using SyncKit.Simulation.Scheduling;

namespace SyncKit.Simulation.World;

/// <summary>
/// The engine's view of the destination for one life of the process: a skip-older upsert by key, which performs a
/// one-time side effect (a welcome) for each new key through the dedup store, and fails records, whole batches, its
/// own answer or its transaction the way a hostile destination does.
/// </summary>
internal sealed class SimDestination(Scheduler scheduler, Incarnation life, IDestinationRows rows, bool realIo, Observations seen, Faults faults, bool sideEffects)
    : IDestination<SimRecord>
{
    public const string WelcomeScope = "welcome";

    public bool WritesInStateTransaction => rows.Enlisted;

    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<SimRecord> batch, CancellationToken cancellationToken)
    {
        await scheduler.At(life, PointKind.Destination, $"write {batch.Records.Count} for run {batch.RunId[..8]}", cancellationToken);
        var random = scheduler.Random;
        faults.ThrowForBatch(random);

        var records = batch.Records;
        var outcomes = new RecordOutcome?[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            seen.Delivered(batch.RunId);
            outcomes[i] = faults.ForRecord(random, records[i].Value.Poison);
        }

        if (batch.Transaction is { } transaction && faults.AbortsTransaction(random))
        {
            if (await SqlAsync(() => rows.AbortAsync(transaction, cancellationToken)))
            {
                // The destination reports the record whose statement failed; the others it wrote before are lost with the transaction.
                outcomes[random.Next(records.Count)] = RecordOutcome.Failed(ErrorClass.Permanent, "a statement failed and aborted the transaction");
            }
        }

        var welcomes = sideEffects ? await ReserveWelcomesAsync(batch, outcomes, cancellationToken) : null;
        var performed = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            if (outcomes[i] is not null)
            {
                continue;
            }

            var record = records[i].Value;
            if (record.Version == 1 && !record.Deleted && welcomes?.GetValueOrDefault(record.Key) is { } status)
            {
                if (status == DedupStatus.HeldElsewhere)
                {
                    outcomes[i] = RecordOutcome.Failed(ErrorClass.Transient, "another writer holds the welcome");
                    continue;
                }

                if (status == DedupStatus.AlreadyCompleted && faults.Planted != PlantedDefect.RepeatedWelcomes)
                {
                    outcomes[i] = RecordOutcome.Deduplicated;
                    continue;
                }

                seen.Performed(record.Key, status);
                life.UncompletedEffects.Add(record.Key);
                performed.Add(record.Key);
            }

            if (faults.Planted == PlantedDefect.LostWrites && random.Next(20) == 0)
            {
                outcomes[i] = RecordOutcome.Written;
                continue;
            }

            outcomes[i] = await SqlAsync(() => rows.UpsertAsync(batch.Transaction, record, cancellationToken)) ? RecordOutcome.Written : RecordOutcome.Skipped;
        }

        if (performed.Count > 0)
        {
            await batch.Dedup.CompleteAsync(WelcomeScope, performed, cancellationToken);
        }

        var answer = outcomes.Select(o => o!.Value).ToList();
        if (faults.ReturnsWrongCount(random))
        {
            // A broken destination: one outcome too many or too few. The engine must refuse the answer.
            return random.Next(2) == 0 ? [.. answer, RecordOutcome.Written] : answer[..^1];
        }

        var counts = seen.Of(batch.RunId);
        counts.Delivered += records.Count;
        counts.Written += answer.Count(o => o.Kind == RecordOutcomeKind.Written);
        counts.Skipped += answer.Count(o => o.Kind == RecordOutcomeKind.Skipped);
        counts.Deduplicated += answer.Count(o => o.Kind == RecordOutcomeKind.Deduplicated);
        return answer;
    }

    /// <summary>Reserves the welcome of every new key the batch would write; returns each key's reservation.</summary>
    private async Task<Dictionary<string, DedupStatus>?> ReserveWelcomesAsync(DestinationBatch<SimRecord> batch, RecordOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        var keys = batch.Records
            .Where((r, i) => outcomes[i] is null && r.Value.Version == 1 && !r.Value.Deleted)
            .Select(r => r.Key)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (keys.Count == 0)
        {
            return null;
        }

        var reservations = await batch.Dedup.ReserveAsync(WelcomeScope, keys, TimeSpan.FromHours(1), cancellationToken);
        return reservations.ToDictionary(r => r.Key, r => r.Status, StringComparer.Ordinal);
    }

    /// <summary>
    /// Runs a statement of the destination's own. Over a real database it parks afterwards like a store call, so code
    /// after a statement that waited on a row lock goes on only when the driver says, not when the lock happened to free.
    /// </summary>
    private async ValueTask<bool> SqlAsync(Func<ValueTask<bool>> statement)
    {
        if (!realIo)
        {
            return await statement();
        }

        bool result;
        using (await scheduler.EnterIoAsync())
        {
            result = await statement();
        }

        await scheduler.At(life, PointKind.Store, "destination statement");
        return result;
    }
}
