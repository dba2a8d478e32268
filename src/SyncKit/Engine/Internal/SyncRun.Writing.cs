using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Polly;
using SyncKit.Destinations.Internal;
using SyncKit.Diagnostics.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>A run's writing stage: batches through the destination pipeline, isolated and settled record by record.</summary>
internal sealed partial class SyncRun<T>
{
    private async Task ProcessPartitionAsync(ChannelReader<Chunk<T>> reader, CancellationToken stopToken)
    {
        var chunks = new List<Chunk<T>>();
        while (await reader.WaitToReadAsync(stopToken).ConfigureAwait(false))
        {
            // Chunks hold at most BatchSize records, so a batch is one or more whole chunks.
            var size = 0;
            while (reader.TryPeek(out var next) && size + next.Count <= _run.Options.BatchSize && reader.TryRead(out next))
            {
                chunks.Add(next);
                size += next.Count;
            }

            // A batch that has started runs to its commit (bounded by the grace period); no new batch
            // starts once a stop is requested.
            var batch = Batch.Gather(chunks, size);
            chunks.Clear();
            await ProcessBatchAsync(batch, _abort.Token).ConfigureAwait(false);

            // Nothing holds the batch's sequences once it is processed (an abandoned batch never gets here).
            batch.Release();
            stopToken.ThrowIfCancellationRequested();
        }
    }

    private async Task ProcessBatchAsync(Batch items, CancellationToken cancellationToken)
    {
        using var activity = SyncKitActivity.Source.StartActivity("synckit.batch");
        activity?.SetTag(SyncKitDiagnostics.Tags.RunId, _run.RunId);
        var started = _run.Time.GetTimestamp();
        try
        {
            await WriteBatchAsync(items, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _run.Metrics.BatchDuration.Record(_run.Time.GetElapsedTime(started).TotalSeconds, SyncKitMetrics.TagsFor(_run.Id));
        }
    }

    /// <summary>Writes a batch through the destination pipeline and ends each of its records as the policy says.</summary>
    private async Task WriteBatchAsync(Batch items, CancellationToken cancellationToken)
    {
        var state = new BatchState(items);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            await _destinationPipeline.ExecuteAsync(
                static (context, s) => s.Run.AttemptAsync(s.State, context),
                context,
                (Run: this, State: state)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (RunTerminatedException or LeaseLostException) && !cancellationToken.IsCancellationRequested)
        {
            await IsolateAsync(state, ex, cancellationToken).ConfigureAwait(false);
            return;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        // Once the pipeline stops retrying it hands back the last attempt's result: the records that attempt held for
        // a retry are still pending. Left so, they would stall the checkpoint while the run reports a success. Their
        // attempts are spent, so they end as the policy says; a run that is aborting leaves them to the next run.
        if (state.Pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await FailForGoodAsync(state.Pending, state.Failures, state.Attempt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The whole batch threw. Retryable failures that survived the retries fail the run (the checkpoint stays
    /// put); auth stops the job; anything else is a record-level problem: split the batch so one bad record
    /// cannot fail the others, and dead-letter a single record that still fails.
    /// </summary>
    private async Task IsolateAsync(BatchState state, Exception exception, CancellationToken cancellationToken)
    {
        var classification = _run.Resilience.Classifier.ClassifyOrDefault(exception);
        if (classification.Class.IsRetryable())
        {
            // Becomes the run's failure, counted once there.
            ExceptionDispatchInfo.Throw(exception);
        }

        _run.Evidence.Error(classification.Class);
        if (classification.Class.StopsJob())
        {
            throw new JobStoppedException(classification.Class, $"Writing {_run.Id} failed: {exception.Message}", exception);
        }

        // A damaged, full or read-only database fails every record alike, and the dead-letter queue lives in it.
        if (StoreFailureException.Find(exception) is { } store)
        {
            throw new JobStoppedException(ErrorClass.Permanent, $"Writing {_run.Id} failed: {store.Message}", exception);
        }

        if (state.Pending.Count > 1)
        {
            for (var i = 0; i < state.Pending.Count; i++)
            {
                await ProcessBatchAsync(state.Pending.Slice(i, 1), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await FailForGoodAsync(state.Pending, [RecordOutcome.Failed(classification.Class, exception.Message)], state.Attempt, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BatchAttempt> AttemptAsync(BatchState state, ResilienceContext context)
    {
        var cancellationToken = context.CancellationToken;
        state.Attempt = SyncResilience.AttemptOf(context);
        if (state.Pending.Count == 0)
        {
            return default;
        }

        var destination = _run.Request.Destination;
        var enlist = destination.WritesInStateTransaction;
        var gateHeld = false;
        IStateTransaction? transaction = null;
        try
        {
            if (enlist)
            {
                await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                gateHeld = true;
                transaction = await BeginAsync(cancellationToken).ConfigureAwait(false);
                await transaction.PrepareDbTransactionAsync(cancellationToken).ConfigureAwait(false);
            }

            var records = state.Pending.Records;
            var batch = new DestinationBatch<T>(_run.Id, _run.RunId, records, transaction, transaction?.Dedup ?? _run.Store.Dedup);
            var outcomes = await destination.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            DestinationOutcomes.ThrowIfNotOnePerRecord(_run.Id, outcomes, records.Count);

            // The attempt timeout bounds the destination's write; once it answered, the commit runs to its end
            // (bounded by the grace period of a stop).
            using var settled = Settle(state, outcomes);
            if (!enlist)
            {
                await _commitGate.WaitAsync(_abort.Token).ConfigureAwait(false);
                gateHeld = true;
            }

            await CommitAsync(transaction, settled, _abort.Token).ConfigureAwait(false);
            (state.Pending, state.Failures) = (settled.Retry, settled.RetryFailures);
            if (settled.Stop is { } stop)
            {
                throw new JobStoppedException(stop.Outcome.ErrorClass, $"Record {stop.Record.Key} of {_run.Id} failed: {stop.Outcome.Error}");
            }

            if (settled.Halt is { } halt)
            {
                throw Halt(halt.Record, halt.Outcome);
            }

            return new BatchAttempt(settled.Retry.Count == 0 ? null : new ErrorClassification(settled.RetryClass, settled.RetryAfter));
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (gateHeld)
            {
                _commitGate.Release();
            }
        }
    }

    /// <summary>
    /// Sorts a batch's outcomes: done (written, skipped, deduplicated), dead-lettered, held for a retry, or ending
    /// the job or run. Whether a held record gets another attempt is the pipeline's retry's to decide, on the
    /// one count of attempts. Allocates per record only for the rare failures.
    /// </summary>
    private Settled Settle(BatchState state, IReadOnlyList<RecordOutcome> outcomes)
    {
        var pending = state.Pending;
        var settled = new Settled(pending.Count) { Attempts = state.Attempt };
        List<int>? retry = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            // The records are read only where needed: a batch's records are a view of its pages.
            var outcome = outcomes[i];
            switch (outcome.Kind)
            {
                case RecordOutcomeKind.Written or RecordOutcomeKind.Skipped or RecordOutcomeKind.Deduplicated:
                    settled.Handled(outcome.Kind);
                    break;
                default:
                    var record = pending.Records[i];
                    _run.Evidence.Error(outcome.ErrorClass);
                    if (outcome.ErrorClass.StopsJob())
                    {
                        settled.Stop ??= (record, outcome);
                    }
                    else if (outcome.ErrorClass.IsRetryable())
                    {
                        (retry ??= []).Add(i);
                        settled.RetryAfter = Max(settled.RetryAfter, outcome.RetryAfter);
                        settled.RetryClass = outcome.ErrorClass == ErrorClass.RateLimited ? ErrorClass.RateLimited : settled.RetryClass;
                    }
                    else if (_run.Options.PartialFailure == PartialFailurePolicy.StopAtFirstFailure)
                    {
                        settled.Halt ??= (record, outcome);
                    }
                    else
                    {
                        settled.DeadLetter(record, pending.Sequences[i], outcome);
                    }

                    continue;
            }

            settled.Done(pending.Sequences[i]);
            if (_run.Audits)
            {
                settled.Audit(_run.AuditOutcome(pending.Records[i], outcome.Kind));
            }

            if (i < 5)
            {
                settled.Sample(pending.Records[i].Key);
            }
        }

        if (retry is not null)
        {
            settled.Retry = pending.Select(retry);
            settled.RetryFailures = retry.ConvertAll(i => outcomes[i]);
        }

        return settled;
    }

    /// <summary>
    /// Ends records that failed for good, as the policy says: the run halts at the first of them, or they are
    /// dead-lettered with their last failure.
    /// </summary>
    private async Task FailForGoodAsync(Batch failed, IReadOnlyList<RecordOutcome> failures, int attempts, CancellationToken cancellationToken)
    {
        if (_run.Options.PartialFailure == PartialFailurePolicy.StopAtFirstFailure)
        {
            throw Halt(failed.Records[0], failures[0]);
        }

        using var settled = new Settled(failed.Count) { Attempts = attempts };
        for (var i = 0; i < failed.Count; i++)
        {
            settled.DeadLetter(failed.Records[i], failed.Sequences[i], failures[i]);
        }

        await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CommitAsync(null, settled, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }
    }
}
