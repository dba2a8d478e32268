using SyncKit.Diagnostics.Internal;
using SyncKit.Engine.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>
/// Re-drives a job's due dead letters through its destination at the start of a run: resolved entries
/// are removed, failing ones are rescheduled with a doubling delay and parked after
/// <see cref="DeadLetterSettings.MaxAttempts"/>. The checkpoint is not touched.
/// </summary>
internal sealed class DeadLetterRedrive<T>(RunContext<T> run)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var limit = run.Options.DeadLetters.RedriveBatchLimit;
        var now = run.Time.GetUtcNow();

        // An operator's retry re-drives the entries it chose whatever the limit, which bounds only the automatic
        // re-drive of the others (a limit of 0 turns that off, not the operator's retry). Only entries still at the
        // position the retry read change: a newer failure of the record keeps its own schedule.
        var chosen = run.Request.DueNow.Select(e => e with { Status = DeadLetterStatus.Pending, NextAttemptAt = now }).ToList();
        if (chosen.Count > 0)
        {
            await run.Store.DeadLetters.UpdateAsync(chosen, cancellationToken).ConfigureAwait(false);
        }

        var others = limit == 0 ? [] : await run.Store.DeadLetters.ListAsync(
            DeadLetterQuery.ForJob(run.Id) with { Status = DeadLetterStatus.Pending, DueAtOrBefore = now, Limit = limit },
            cancellationToken).ConfigureAwait(false);
        var chosenKeys = chosen.Select(e => e.RecordKey).ToHashSet(StringComparer.Ordinal);
        List<DeadLetter> due = [.. chosen, .. others.Where(e => !chosenKeys.Contains(e.RecordKey))];
        if (due.Count == 0)
        {
            return;
        }

        var updated = new List<DeadLetter>();
        var entries = new List<DeadLetter>(due.Count);
        var records = new List<SourceRecord<T>>(due.Count);
        foreach (var entry in due)
        {
            try
            {
                records.Add(new SourceRecord<T>(entry.RecordKey, entry.Position, run.Job.Serializer.Deserialize(entry.Payload)));
                entries.Add(entry);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                updated.Add(Park(entry, ErrorClass.Validation, $"The payload could not be read back: {ex.Message}"));
            }
        }

        await ApplyAsync(entries, records, updated, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(List<DeadLetter> entries, List<SourceRecord<T>> records, List<DeadLetter> updated, CancellationToken cancellationToken)
    {
        var transaction = await run.Store.BeginTransactionAsync(run.Id, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ApplyInAsync(transaction, entries, records, updated, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyInAsync(IStateTransaction transaction, List<DeadLetter> entries, List<SourceRecord<T>> records, List<DeadLetter> updated, CancellationToken cancellationToken)
    {
        var destination = run.Request.Destination;
        IReadOnlyList<RecordOutcome> outcomes = [];
        if (records.Count > 0)
        {
            try
            {
                var enlisted = destination.WritesInStateTransaction ? transaction : null;
                if (enlisted is not null)
                {
                    await enlisted.PrepareDbTransactionAsync(cancellationToken).ConfigureAwait(false);
                }

                var batch = new DestinationBatch<T>(run.Id, run.RunId, records, enlisted, enlisted?.Dedup ?? run.Store.Dedup);
                outcomes = await destination.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The destination's own timeout (an OperationCanceledException nobody asked for) is classified too.
                var classification = run.Resilience.Classifier.ClassifyOrDefault(ex);
                run.Evidence.Error(classification.Class);
                if (classification.Class.StopsJob())
                {
                    throw new JobStoppedException(classification.Class, $"Re-driving dead letters of {run.Id} failed: {ex.Message}", ex);
                }

                // The destination is down: the entries wait for the next run without spending an attempt.
                if (classification.Class.IsRetryable())
                {
                    return;
                }

                outcomes = [.. records.Select(_ => RecordOutcome.Failed(classification.Class, ex.Message))];
            }

            // Outside the catch: a destination that miscounts is broken, not down, and the run fails on it.
            Destinations.Internal.DestinationOutcomes.ThrowIfNotOnePerRecord(run.Id, outcomes, records.Count);
        }

        var resolved = new List<(DeadLetter Entry, RecordOutcomeKind Kind)>();
        JobStoppedException? stop = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            if (outcome.Kind != RecordOutcomeKind.Failed)
            {
                resolved.Add((entries[i], outcome.Kind));
                continue;
            }

            run.Evidence.Error(outcome.ErrorClass);
            stop ??= outcome.ErrorClass.StopsJob()
                ? new JobStoppedException(outcome.ErrorClass, $"Dead letter {entries[i].RecordKey} of {run.Id} failed: {outcome.Error}")
                : null;
            updated.Add(Reschedule(entries[i], outcome));
        }

        // Both touch only the entries at the positions re-driven: a newer failure of the same record stays queued.
        if (resolved.Count > 0)
        {
            await transaction.DeadLetters.RemoveAsync(run.Id, resolved.ConvertAll(r => DeadLetterId.Of(r.Entry)), cancellationToken).ConfigureAwait(false);
        }

        if (updated.Count > 0)
        {
            await transaction.DeadLetters.UpdateAsync(updated, cancellationToken).ConfigureAwait(false);
        }

        // Like the run's own records, a re-driven record counts as handled once its removal from the queue is committed.
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (entry, kind) in resolved)
        {
            run.Evidence.Handled(entry.RecordKey, kind);
            Log.DeadLetterResolved(run.Logger, run.RunId, run.Id.Tenant, run.Id.Stream, entry.RecordKey);
        }

        if (stop is not null)
        {
            throw stop;
        }
    }

    private DeadLetter Reschedule(DeadLetter entry, RecordOutcome outcome)
    {
        var attempts = entry.Attempts + 1;
        var error = outcome.Error ?? outcome.ErrorClass.ToString();
        if (attempts >= run.Options.DeadLetters.MaxAttempts)
        {
            return Park(entry with { Attempts = attempts }, outcome.ErrorClass, error);
        }

        var now = run.Time.GetUtcNow();
        return entry with
        {
            Attempts = attempts,
            ErrorClass = outcome.ErrorClass,
            LastError = error,
            LastFailedAt = now,
            NextAttemptAt = now + run.Options.DeadLetters.DelayAfter(attempts),
        };
    }

    private DeadLetter Park(DeadLetter entry, ErrorClass errorClass, string error)
    {
        Log.DeadLetterParked(run.Logger, run.RunId, run.Id.Tenant, run.Id.Stream, entry.RecordKey, errorClass, entry.Attempts, error);
        return entry with
        {
            ErrorClass = errorClass,
            LastError = error,
            LastFailedAt = run.Time.GetUtcNow(),
            NextAttemptAt = null,
            Status = DeadLetterStatus.Parked,
        };
    }
}
