using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Polly;
using SyncKit.Destinations.Internal;
using SyncKit.Diagnostics.Internal;
using SyncKit.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>
/// One run of one job: poll pages into bounded per-partition channels, write batches, and commit the low
/// watermark after each batch. A record counts as done only once its effect is durable (written or
/// skipped by the destination, or its dead letter committed), so the checkpoint never passes a record
/// that a crash could lose.
/// </summary>
internal sealed class SyncRun<T>
{
    private readonly RunContext<T> _run;
    private readonly SemaphoreSlim _commitGate = new(1, 1);
    private readonly ResiliencePipeline _sourcePipeline;
    private readonly ResiliencePipeline<BatchAttempt> _destinationPipeline;
    private readonly Channel<Chunk<T>>[] _partitions;
    private readonly CancellationTokenSource _abort;
    private WatermarkTracker _tracker = new(null);
    private Cursor? _committed;
    private Exception? _failure;

    public SyncRun(RunContext<T> run)
    {
        _run = run;
        _abort = new CancellationTokenSource(Timeout.InfiniteTimeSpan, run.Time);
        _sourcePipeline = run.Resilience.ForSource(run.Options, run.Id, retry => OnRetry("read", retry));
        _destinationPipeline = run.Resilience.ForDestination<BatchAttempt>(
            run.Options,
            run.Id,
            attempt => attempt.Retry,
            retry => OnRetry("write", retry));
        // Each page is split into one chunk per partition (more when a share exceeds BatchSize), so a partition's
        // channel holds about PageSize / Partitions records per slot and all channels together about QueueCapacity
        // records. Chunks refer to their page, so the pages alive are those of the queued chunks.
        var capacity = Math.Max(1, run.Options.QueueCapacity / run.Options.PageSize);
        _partitions = new Channel<Chunk<T>>[run.Options.Partitions];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<Chunk<T>>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }
    }

    /// <summary>The checkpoint the run started from.</summary>
    public Cursor? StartedFrom { get; private set; }

    /// <summary>The checkpoint the run left.</summary>
    public Cursor? Committed => _committed;

    /// <summary>The source's horizon as of the last page read, when it reports one.</summary>
    public SourceHorizon? Horizon { get; private set; }

    /// <summary>Runs until the source is exhausted, a failure ends the run, or <paramref name="stopToken"/> asks for a graceful stop.</summary>
    public async Task<(RunOutcome Outcome, string? Error)> ExecuteAsync(CancellationToken stopToken)
    {
        using var graceTimer = stopToken.Register(() => _abort.CancelAfter(_run.Options.ShutdownGracePeriod));
        using var readToken = CancellationTokenSource.CreateLinkedTokenSource(stopToken, _abort.Token);
        var request = _run.Request;
        try
        {
            // Runs that leave the checkpoint alone read their own source from its start.
            StartedFrom = request.MovesCheckpoint ? await _run.Store.Checkpoints.GetAsync(_run.Id, _abort.Token).ConfigureAwait(false) : null;
            _committed = StartedFrom;
            _tracker = new WatermarkTracker(StartedFrom);
            Log.RunStarted(_run.Logger, _run.RunId, request.Kind, _run.Id.Tenant, _run.Id.Stream, request.DescribeStart(StartedFrom));

            // Lag is known from the stored checkpoint, so a job that has not committed since the host started
            // (its source is down, say) still shows its lag growing.
            if (StartedFrom is not null)
            {
                _run.Metrics.CheckpointCommitted(_run.Id, StartedFrom);
            }

            if (request.RedrivesDeadLetters)
            {
                await new DeadLetters.Internal.DeadLetterRedrive<T>(_run).RunAsync(readToken.Token).ConfigureAwait(false);
            }

            if (request.MovesCheckpoint)
            {
                _run.Metrics.TrackQueue(_run.Id, () => _tracker.PendingCount);
            }

            // A read failure ends the run but not the partitions: the records already read are still written
            // and committed, so the next run resumes after them.
            var stages = new List<Task>(_partitions.Length + 1) { Guard(ReadAsync(readToken.Token), readToken.Token, abortOnFailure: false) };
            stages.AddRange(_partitions.Select(p => Guard(ProcessPartitionAsync(p.Reader, readToken.Token), readToken.Token, abortOnFailure: true)));
            await WhenAllOrAbandonedAsync(Task.WhenAll(stages)).ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopToken.IsCancellationRequested)
        {
            Fail(ex);
        }
        catch (OperationCanceledException)
        {
            // A graceful stop: it arrived before the pipeline started (nothing was read, nothing to commit), or
            // its grace period ran out and what was still in flight was abandoned.
        }
        finally
        {
            if (request.MovesCheckpoint)
            {
                _run.Metrics.UntrackQueue(_run.Id);
            }
        }

        return Outcome(stopToken);
    }

    private (RunOutcome, string?) Outcome(CancellationToken stopToken) => _failure switch
    {
        JobStoppedException stopped => (RunOutcome.Stopped, stopped.Message),
        not null => (RunOutcome.Failed, _failure.Message),
        null when stopToken.IsCancellationRequested => (RunOutcome.Cancelled, null),
        null when _run.Evidence.DeadLettered > 0 => (RunOutcome.CompletedWithDeadLetters, null),
        null => (RunOutcome.Succeeded, null),
    };

    /// <summary>
    /// Waits for the stages. After a failure they unwind cooperatively; but once a stop's grace period has run
    /// out (it cancels <see cref="_abort"/>), the run stops waiting: a destination or source that ignores
    /// cancellation is abandoned. Its batch can no longer commit, so the next run simply reads it again.
    /// </summary>
    private async Task WhenAllOrAbandonedAsync(Task stages)
    {
        try
        {
            await stages.WaitAsync(_abort.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            await stages.ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a stage and turns the way it ended into the run's outcome.</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="stopToken">The token the stage runs with: cancelled by a graceful stop or an abort.</param>
    /// <param name="abortOnFailure">Whether a failure of this stage aborts the others, or lets them finish what they have.</param>
    private async Task Guard(Task stage, CancellationToken stopToken, bool abortOnFailure)
    {
        try
        {
            await stage.ConfigureAwait(false);
        }
        catch (Exception) when (_abort.IsCancellationRequested)
        {
            // Another stage failed (that failure is recorded) or the grace period ran out: whatever the stage
            // throws while it unwinds is a consequence, not a new failure.
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
            // A graceful stop: stages end, what finished is committed by the flush.
        }
        catch (Exception ex)
        {
            // An OperationCanceledException nobody asked for included: a connector's own timeout is a failure.
            RecordFailure(ex);
            if (abortOnFailure)
            {
                _abort.Cancel();
            }
        }
    }

    /// <summary>Records the run's failure and aborts every stage.</summary>
    private void Fail(Exception exception)
    {
        RecordFailure(exception);
        _abort.Cancel();
    }

    /// <summary>
    /// Records the first failure as the run's. Failures that end the run on purpose were counted where they were
    /// found (a record's outcome, a batch's exception); any other is counted here, once.
    /// </summary>
    private void RecordFailure(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _failure, exception, null) is not null)
        {
            return;
        }

        if (exception is JobStoppedException stopped)
        {
            Log.JobStopped(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, stopped.ErrorClass, exception.Message);
        }
        else if (exception is not RunTerminatedException)
        {
            var errorClass = _run.Resilience.Classifier.ClassifyOrDefault(exception).Class;
            _run.Evidence.Error(errorClass);
            if (exception is LeaseLostException lost)
            {
                Log.LeaseLost(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, lost.FencingToken, lost.Message);
            }
            else
            {
                Log.RunFailed(_run.Logger, exception, _run.RunId, _run.Id.Tenant, _run.Id.Stream, errorClass);
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var after = StartedFrom?.Rewind(_run.Options.Lookback);
            var context = new SourceReadContext(_run.Id, _run.Options.PageSize) { Lookback = _run.Options.Lookback };

            // The channels bound what waits to be written; this bounds what the run holds in all (the records waiting, the
            // batches being written, and the records done behind one still retried at the head), however keys fall into partitions.
            var window = _run.Options.QueueCapacity + (_run.Options.Partitions * _run.Options.BatchSize);
            while (true)
            {
                await _tracker.WaitForRoomAsync(window, cancellationToken).ConfigureAwait(false);
                var page = await ReadPageAsync(after, context, cancellationToken).ConfigureAwait(false);
                _run.Evidence.Read(page.Records.Count);
                Horizon = page.Horizon ?? Horizon;
                if (page.Records.Count > 0)
                {
                    var first = _tracker.RegisterRange(page.Records.Count, page.Records, static (records, i) => records[i].Position);
                    await SplitAsync(page.Records, first, cancellationToken).ConfigureAwait(false);
                }

                if (page.Next is { } next)
                {
                    _tracker.RegisterMarker(next);
                }

                if (!page.HasMore)
                {
                    return;
                }

                if (page.Records.Count == 0 && page.Next is null)
                {
                    throw new InvalidOperationException(
                        $"The source of {_run.Id} returned an empty page that says more follow but gave no Next cursor; reading on would loop forever.");
                }

                after = page.Next ?? page.Records[^1].Position;
            }
        }
        finally
        {
            foreach (var partition in _partitions)
            {
                partition.Writer.TryComplete();
            }
        }
    }

    /// <summary>
    /// Hands a page to the partitions: by key, in read order inside each, in chunks of at most
    /// <see cref="SyncJobOptions.BatchSize"/> records, so a partition's batch is always whole chunks.
    /// </summary>
    private async ValueTask SplitAsync(IReadOnlyList<SourceRecord<T>> records, long firstSequence, CancellationToken cancellationToken)
    {
        var batchSize = _run.Options.BatchSize;
        if (_partitions.Length == 1)
        {
            for (var offset = 0; offset < records.Count; offset += batchSize)
            {
                var chunk = Chunk<T>.Range(records, firstSequence, offset, Math.Min(batchSize, records.Count - offset));
                await _partitions[0].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var open = new Chunk<T>?[_partitions.Length];
        for (var i = 0; i < records.Count; i++)
        {
            var p = (int)(StableHash.Of(records[i].Key) % (uint)_partitions.Length);
            var chunk = open[p] ??= Chunk<T>.Rent(records, firstSequence, Math.Min(batchSize, records.Count - i));
            if (chunk.Add(i) == batchSize)
            {
                open[p] = null;
                await _partitions[p].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }

        for (var p = 0; p < open.Length; p++)
        {
            if (open[p] is { } chunk)
            {
                await _partitions[p].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await _sourcePipeline.ExecuteAsync(
                static (state, token) => state.Source.ReadPageAsync(state.After, state.Context, token),
                (Source: _run.Request.Source, After: after, Context: context),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var classification = _run.Resilience.Classifier.ClassifyOrDefault(ex);
            if (classification.Class.StopsJob())
            {
                _run.Evidence.Error(classification.Class);
                throw new JobStoppedException(classification.Class, $"Reading {_run.Id} failed: {ex.Message}", ex);
            }

            throw;
        }
    }

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

    /// <summary>
    /// Under the commit gate: marks records done, writes dead letters and audit entries, moves the checkpoint to
    /// the new low watermark, and commits them in one transaction (the destination's writes too, when it
    /// enlisted). Once records are marked done, a failure to commit fails the run, so no later commit can move
    /// the checkpoint past records whose effect is not durable. Records count as handled only once committed.
    /// </summary>
    private async Task CommitAsync(IStateTransaction? transaction, Settled settled, CancellationToken cancellationToken)
    {
        _abort.Token.ThrowIfCancellationRequested();
        Cursor? advancedTo = null;
        try
        {
            var watermark = _tracker.CompleteAll(settled.Sequences);
            if (_run.Request.WritesState)
            {
                advancedTo = _run.Request.MovesCheckpoint && watermark is not null && !watermark.Equals(_committed) ? watermark : null;
                if (settled.DeadLetters is { } dead && _run.Audits)
                {
                    dead.ForEach(d => settled.Audit(_run.Audit(d.Record, AuditActions.DeadLettered)));
                }

                if (transaction is not null || advancedTo is not null || settled.DeadLetters is not null || settled.AuditEntries is not null)
                {
                    await WriteAndCommitAsync(transaction, settled, advancedTo, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            Fail(ex);
            throw new RunFailedException(ex);
        }

        settled.ReportTo(_run.Evidence);
        if (!_run.Request.WritesState)
        {
            return;
        }

        foreach (var (record, outcome) in settled.DeadLetters ?? [])
        {
            _run.Evidence.DeadLetter(record.Key);
            Log.RecordDeadLettered(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, record.Key, outcome.ErrorClass, settled.Attempts, outcome.Error ?? string.Empty);
        }

        if (advancedTo is not null)
        {
            _committed = advancedTo;
            _run.Metrics.CheckpointCommitted(_run.Id, advancedTo);
            Log.CheckpointCommitted(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, advancedTo);
        }
    }

    private async Task WriteAndCommitAsync(IStateTransaction? transaction, Settled settled, Cursor? checkpoint, CancellationToken cancellationToken)
    {
        var owned = transaction is null;
        transaction ??= await BeginAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (settled.DeadLetters is { } deadLetters)
            {
                var entries = deadLetters.ConvertAll(d => _run.NewDeadLetter(d.Record, d.Outcome.ErrorClass, d.Outcome.Error ?? d.Outcome.ErrorClass.ToString(), settled.Attempts));
                await transaction.DeadLetters.AddAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            if (settled.AuditEntries is { } audit)
            {
                await transaction.Runs.AppendAuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }

            if (checkpoint is not null)
            {
                await transaction.Checkpoints.SaveAsync(_run.Id, checkpoint, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (owned)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Commits the final watermark (continuation markers after the last batch) unless the run halted.</summary>
    private async Task FlushAsync()
    {
        if (_failure is not null || _abort.IsCancellationRequested)
        {
            return;
        }

        await _commitGate.WaitAsync(_abort.Token).ConfigureAwait(false);
        try
        {
            using var nothing = new Settled(0);
            await CommitAsync(null, nothing, _abort.Token).ConfigureAwait(false);
        }
        finally
        {
            _commitGate.Release();
        }
    }

    private ValueTask<IStateTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        _abort.Token.ThrowIfCancellationRequested();
        return _run.Store.BeginTransactionAsync(_run.Id, cancellationToken);
    }

    private void OnRetry(string operation, RetryContext retry)
    {
        _run.Evidence.Retried();

        // A thrown failure is counted here; the failed records of a returned batch were counted one by one.
        if (retry.Exception is not null)
        {
            _run.Evidence.Error(retry.ErrorClass);
        }

        Log.Retrying(_run.Logger, retry.Exception, _run.RunId, _run.Id.Tenant, _run.Id.Stream, operation, retry.Attempt, retry.ErrorClass, retry.Delay);
    }

    /// <summary>Ends the run at a record that failed for good under <see cref="PartialFailurePolicy.StopAtFirstFailure"/>.</summary>
    private RunHaltedException Halt(SourceRecord<T> record, RecordOutcome outcome)
    {
        Log.StoppedAtRecord(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, record.Key, outcome.ErrorClass, outcome.Error ?? string.Empty);
        return new RunHaltedException($"Record {record.Key} of {_run.Id} failed ({outcome.ErrorClass}): {outcome.Error}");
    }

    private static TimeSpan? Max(TimeSpan? left, TimeSpan? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;

    /// <summary>The result of one attempt at a batch.</summary>
    /// <param name="Retry">Why some records are worth another attempt (transient or rate-limited, and the longest wait asked for), or <see langword="null"/>.</param>
    private readonly record struct BatchAttempt(ErrorClassification? Retry);

    /// <summary>
    /// Records and their sequence numbers, in read order. <see cref="Records"/> is the destination's to keep;
    /// <see cref="Sequences"/> may be longer than it (a pooled array, see <see cref="Gather"/>).
    /// </summary>
    private sealed class Batch(IReadOnlyList<SourceRecord<T>> records, long[] sequences, bool pooled = false)
    {
        public static Batch Empty { get; } = new(Array.Empty<SourceRecord<T>>(), []);

        public IReadOnlyList<SourceRecord<T>> Records { get; } = records;

        public int Count => Records.Count;

        public long[] Sequences { get; } = sequences;

        /// <summary>Gathers chunks of <paramref name="size"/> records in all into one batch, whose sequences come from the pool.</summary>
        public static Batch Gather(List<Chunk<T>> chunks, int size)
        {
            var pages = new IReadOnlyList<SourceRecord<T>>[chunks.Count];
            var ends = new int[chunks.Count];
            var indexes = new int[size];
            var sequences = ArrayPool<long>.Shared.Rent(size);
            var at = 0;
            for (var i = 0; i < chunks.Count; i++)
            {
                chunks[i].CopyTo(indexes, sequences, at);
                pages[i] = chunks[i].Page;
                at += chunks[i].Count;
                ends[i] = at;
            }

            return new Batch(new GatheredRecords<T>(pages, ends, indexes), sequences, pooled: true);
        }

        /// <summary>Returns pooled sequences; call once nothing reads them any more.</summary>
        public void Release()
        {
            if (pooled)
            {
                pooled = false;
                ArrayPool<long>.Shared.Return(Sequences);
            }
        }

        public Batch Slice(int offset, int length)
        {
            if (offset == 0 && length >= Count)
            {
                return this;
            }

            length = Math.Min(length, Count - offset);
            var records = new SourceRecord<T>[length];
            for (var i = 0; i < length; i++)
            {
                records[i] = Records[offset + i];
            }

            return new Batch(records, Sequences.AsSpan(offset, length).ToArray());
        }

        public Batch Select(List<int> indexes) =>
            new([.. indexes.Select(i => Records[i])], [.. indexes.Select(i => Sequences[i])]);
    }

    private sealed class BatchState(Batch pending)
    {
        /// <summary>The records not yet handled: the whole batch, then those the last attempt held for a retry.</summary>
        public Batch Pending { get; set; } = pending;

        /// <summary>The failure that held each record of <see cref="Pending"/> for a retry.</summary>
        public IReadOnlyList<RecordOutcome> Failures { get; set; } = [];

        /// <summary>The number of the attempt in progress or last made, as the pipeline's retry counts it.</summary>
        public int Attempt { get; set; }
    }

    /// <summary>What one attempt settled: the sequences now done (dead letters included) and what remains.</summary>
    private sealed class Settled(int capacity) : IDisposable
    {
        private readonly long[] _sequences = capacity == 0 ? [] : ArrayPool<long>.Shared.Rent(capacity);
        private int _count;
        private long _written;
        private long _skipped;
        private long _deduplicated;
        private List<string>? _samples;

        public ReadOnlySpan<long> Sequences => _sequences.AsSpan(0, _count);

        public List<(SourceRecord<T> Record, RecordOutcome Outcome)>? DeadLetters { get; private set; }

        public List<AuditEntry>? AuditEntries { get; private set; }

        public Batch Retry { get; set; } = Batch.Empty;

        public IReadOnlyList<RecordOutcome> RetryFailures { get; set; } = [];

        public TimeSpan? RetryAfter { get; set; }

        public ErrorClass RetryClass { get; set; } = ErrorClass.Transient;

        public int Attempts { get; init; }

        public (SourceRecord<T> Record, RecordOutcome Outcome)? Stop { get; set; }

        public (SourceRecord<T> Record, RecordOutcome Outcome)? Halt { get; set; }

        public void Done(long sequence) => _sequences[_count++] = sequence;

        public void DeadLetter(SourceRecord<T> record, long sequence, RecordOutcome outcome)
        {
            Done(sequence);
            (DeadLetters ??= []).Add((record, outcome));
        }

        public void Audit(AuditEntry entry) => (AuditEntries ??= []).Add(entry);

        /// <summary>Counts a record the destination wrote, skipped or deduplicated (its sequence is marked done separately).</summary>
        public void Handled(RecordOutcomeKind kind)
        {
            switch (kind)
            {
                case RecordOutcomeKind.Written:
                    _written++;
                    break;
                case RecordOutcomeKind.Skipped:
                    _skipped++;
                    break;
                default:
                    _deduplicated++;
                    break;
            }
        }

        public void Sample(string key) => (_samples ??= []).Add(key);

        /// <summary>Tells the run's evidence what this attempt handled, once its commit succeeded.</summary>
        public void ReportTo(RunEvidence evidence)
        {
            evidence.Handled(RecordOutcomeKind.Written, _written);
            evidence.Handled(RecordOutcomeKind.Skipped, _skipped);
            evidence.Handled(RecordOutcomeKind.Deduplicated, _deduplicated);
            _samples?.ForEach(evidence.Sample);
        }

        public void Dispose()
        {
            if (_sequences.Length > 0)
            {
                ArrayPool<long>.Shared.Return(_sequences);
            }
        }
    }
}
