using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Polly;
using SyncKit.Diagnostics.Internal;

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
    private readonly Channel<WorkItem>[] _partitions;
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
        var capacity = Math.Max(1, run.Options.QueueCapacity / run.Options.Partitions);
        _partitions = new Channel<WorkItem>[run.Options.Partitions];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(capacity)
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

    /// <summary>Runs until the source is exhausted, a failure ends the run, or <paramref name="stopToken"/> asks for a graceful stop.</summary>
    public async Task<(RunOutcome Outcome, string? Error)> ExecuteAsync(CancellationToken stopToken)
    {
        using var graceTimer = stopToken.Register(() => _abort.CancelAfter(_run.Options.ShutdownGracePeriod));
        using var readToken = CancellationTokenSource.CreateLinkedTokenSource(stopToken, _abort.Token);
        try
        {
            StartedFrom = await _run.Store.Checkpoints.GetAsync(_run.Id, _abort.Token).ConfigureAwait(false);
            _committed = StartedFrom;
            _tracker = new WatermarkTracker(StartedFrom);

            // Lag is known from the stored checkpoint, so a job that has not committed since the host started
            // (its source is down, say) still shows its lag growing.
            if (StartedFrom is not null)
            {
                _run.Metrics.CheckpointCommitted(_run.Id, StartedFrom);
            }

            await new DeadLetters.Internal.DeadLetterRedrive<T>(_run).RunAsync(readToken.Token).ConfigureAwait(false);
            _run.Metrics.TrackQueue(_run.Id, () => _tracker.PendingCount);

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
            _run.Metrics.UntrackQueue(_run.Id);
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
            Log.RunFailed(_run.Logger, exception, _run.RunId, _run.Id.Tenant, _run.Id.Stream, errorClass);
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var after = StartedFrom?.Rewind(_run.Options.Lookback);
            var context = new SourceReadContext(_run.Id, _run.Options.PageSize);
            while (true)
            {
                var page = await ReadPageAsync(after, context, cancellationToken).ConfigureAwait(false);
                _run.Evidence.Read(page.Records.Count);
                foreach (var record in page.Records)
                {
                    var sequence = _tracker.Register(record.Position);
                    var partition = _partitions.Length == 1 ? 0 : (int)((uint)StringComparer.Ordinal.GetHashCode(record.Key) % (uint)_partitions.Length);
                    await _partitions[partition].Writer.WriteAsync(new WorkItem(sequence, record), cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<SourcePage<T>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await _sourcePipeline.ExecuteAsync(
                static (state, token) => state.Source.ReadPageAsync(state.After, state.Context, token),
                (Source: _run.Job.Source, After: after, Context: context),
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

    private async Task ProcessPartitionAsync(ChannelReader<WorkItem> reader, CancellationToken stopToken)
    {
        var batch = new List<WorkItem>(_run.Options.BatchSize);
        while (await reader.WaitToReadAsync(stopToken).ConfigureAwait(false))
        {
            while (batch.Count < _run.Options.BatchSize && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            // A batch that has started runs to its commit (bounded by the grace period); no new batch
            // starts once a stop is requested.
            await ProcessBatchAsync(batch, _abort.Token).ConfigureAwait(false);
            batch.Clear();
            stopToken.ThrowIfCancellationRequested();
        }
    }

    private async Task ProcessBatchAsync(IReadOnlyList<WorkItem> items, CancellationToken cancellationToken)
    {
        using var activity = SyncKitActivity.Source.StartActivity("synckit.batch");
        activity?.SetTag(SyncKitDiagnostics.Tags.RunId, _run.RunId);
        var started = _run.Time.GetTimestamp();
        var state = new BatchState(items);
        try
        {
            await _destinationPipeline.ExecuteAsync(
                static (s, token) => s.Run.AttemptAsync(s.State, token),
                (Run: this, State: state),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RunTerminatedException && !cancellationToken.IsCancellationRequested)
        {
            await IsolateAsync(state, ex, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _run.Metrics.BatchDuration.Record(_run.Time.GetElapsedTime(started).TotalSeconds, SyncKitMetrics.TagsFor(_run.Id));
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
            foreach (var item in state.Pending)
            {
                await ProcessBatchAsync([item], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var failed = state.Pending[0];
        await FailForGoodAsync([(failed, RecordOutcome.Failed(classification.Class, exception.Message))], state.Attempt, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BatchAttempt> AttemptAsync(BatchState state, CancellationToken cancellationToken)
    {
        state.Attempt++;
        if (state.Pending.Count == 0)
        {
            return default;
        }

        var destination = _run.Job.Destination;
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
            }

            var records = new SourceRecord<T>[state.Pending.Count];
            for (var i = 0; i < records.Length; i++)
            {
                records[i] = state.Pending[i].Record;
            }

            var batch = new DestinationBatch<T>(_run.Id, _run.RunId, records, transaction, transaction?.Dedup ?? _run.Store.Dedup);
            var outcomes = await destination.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (outcomes.Count != records.Length)
            {
                throw new InvalidOperationException(
                    $"The destination of {_run.Id} returned {outcomes.Count} outcomes for a batch of {records.Length} records; it must return one per record.");
            }

            // The attempt timeout bounds the destination's write; once it answered, the commit runs to its end
            // (bounded by the grace period of a stop).
            var sorted = Sort(state, outcomes);
            if (!enlist)
            {
                await _commitGate.WaitAsync(_abort.Token).ConfigureAwait(false);
                gateHeld = true;
            }

            await CommitAsync(transaction, sorted.Done, sorted.DeadLetters, state.Attempt, _abort.Token).ConfigureAwait(false);
            state.Pending = sorted.Retry;
            if (sorted.Stop is { } stop)
            {
                throw new JobStoppedException(stop.Outcome.ErrorClass, $"Record {stop.Item.Record.Key} of {_run.Id} failed: {stop.Outcome.Error}");
            }

            if (sorted.Halt is { } halt)
            {
                throw Halt(halt.Item, halt.Outcome);
            }

            return new BatchAttempt(sorted.Retry.Count == 0 ? null : new ErrorClassification(sorted.RetryClass, sorted.RetryAfter));
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

    private SortedOutcomes Sort(BatchState state, IReadOnlyList<RecordOutcome> outcomes)
    {
        var sorted = new SortedOutcomes();
        for (var i = 0; i < outcomes.Count; i++)
        {
            var item = state.Pending[i];
            var outcome = outcomes[i];
            if (outcome.Kind != RecordOutcomeKind.Failed)
            {
                sorted.Done.Add((item, outcome));
                continue;
            }

            _run.Evidence.Error(outcome.ErrorClass);
            if (outcome.ErrorClass.StopsJob())
            {
                sorted.Stop ??= (item, outcome);
            }
            else if (outcome.ErrorClass.IsRetryable() && state.Attempt <= _run.Options.MaxRetryAttempts)
            {
                sorted.Retry.Add(item);
                sorted.RetryAfter = Max(sorted.RetryAfter, outcome.RetryAfter);
                sorted.RetryClass = outcome.ErrorClass == ErrorClass.RateLimited ? ErrorClass.RateLimited : sorted.RetryClass;
            }
            else if (_run.Options.PartialFailure == PartialFailurePolicy.StopAtFirstFailure)
            {
                sorted.Halt ??= (item, outcome);
            }
            else
            {
                sorted.DeadLetters.Add((item, outcome));
            }
        }

        return sorted;
    }

    private async Task FailForGoodAsync(List<(WorkItem Item, RecordOutcome Outcome)> failed, int attempts, CancellationToken cancellationToken)
    {
        if (_run.Options.PartialFailure == PartialFailurePolicy.StopAtFirstFailure)
        {
            throw Halt(failed[0].Item, failed[0].Outcome);
        }

        await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CommitAsync(null, [], failed, attempts, cancellationToken).ConfigureAwait(false);
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
    private async Task CommitAsync(
        IStateTransaction? transaction,
        List<(WorkItem Item, RecordOutcome Outcome)> done,
        List<(WorkItem Item, RecordOutcome Outcome)> deadLetters,
        int attempts,
        CancellationToken cancellationToken)
    {
        _abort.Token.ThrowIfCancellationRequested();
        Cursor? advancedTo;
        try
        {
            var watermark = _tracker.Complete(done.Select(d => d.Item.Sequence).Concat(deadLetters.Select(d => d.Item.Sequence)));
            advancedTo = watermark is not null && !watermark.Equals(_committed) ? watermark : null;
            var audit = _run.Options.AuditLog && (done.Count > 0 || deadLetters.Count > 0);
            if (transaction is not null || advancedTo is not null || deadLetters.Count > 0 || audit)
            {
                await WriteAndCommitAsync(transaction, done, deadLetters, attempts, advancedTo, audit, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            Fail(ex);
            throw new RunFailedException(ex);
        }

        foreach (var (item, outcome) in done)
        {
            _run.Evidence.Handled(item.Record.Key, outcome.Kind);
        }

        foreach (var (item, outcome) in deadLetters)
        {
            _run.Evidence.DeadLetter(item.Record.Key);
            Log.RecordDeadLettered(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, item.Record.Key, outcome.ErrorClass, attempts, outcome.Error ?? string.Empty);
        }

        if (advancedTo is not null)
        {
            _committed = advancedTo;
            _run.Metrics.CheckpointCommitted(_run.Id, advancedTo);
            Log.CheckpointCommitted(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, advancedTo);
        }
    }

    private async Task WriteAndCommitAsync(
        IStateTransaction? transaction,
        List<(WorkItem Item, RecordOutcome Outcome)> done,
        List<(WorkItem Item, RecordOutcome Outcome)> deadLetters,
        int attempts,
        Cursor? checkpoint,
        bool audit,
        CancellationToken cancellationToken)
    {
        var owned = transaction is null;
        transaction ??= await BeginAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (deadLetters.Count > 0)
            {
                var entries = deadLetters.ConvertAll(d => _run.NewDeadLetter(d.Item.Record, d.Outcome.ErrorClass, d.Outcome.Error ?? d.Outcome.ErrorClass.ToString(), attempts));
                await transaction.DeadLetters.UpsertAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            if (audit)
            {
                var entries = done.Select(d => _run.Audit(d.Item.Record, AuditActions.Of(d.Outcome.Kind)))
                    .Concat(deadLetters.Select(d => _run.Audit(d.Item.Record, AuditActions.DeadLettered)))
                    .ToList();
                await transaction.Runs.AppendAuditAsync(entries, cancellationToken).ConfigureAwait(false);
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
            await CommitAsync(null, [], [], 0, _abort.Token).ConfigureAwait(false);
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

    private void OnRetry(string operation, Resilience.Internal.RetryContext retry)
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
    private RunHaltedException Halt(WorkItem item, RecordOutcome outcome)
    {
        Log.StoppedAtRecord(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, item.Record.Key, outcome.ErrorClass, outcome.Error ?? string.Empty);
        return new RunHaltedException($"Record {item.Record.Key} of {_run.Id} failed ({outcome.ErrorClass}): {outcome.Error}");
    }

    private static TimeSpan? Max(TimeSpan? left, TimeSpan? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;

    private readonly record struct WorkItem(long Sequence, SourceRecord<T> Record);

    /// <summary>The result of one attempt at a batch.</summary>
    /// <param name="Retry">Why some records are worth another attempt (transient or rate-limited, and the longest wait asked for), or <see langword="null"/>.</param>
    private readonly record struct BatchAttempt(ErrorClassification? Retry);

    private sealed class BatchState(IReadOnlyList<WorkItem> pending)
    {
        public IReadOnlyList<WorkItem> Pending { get; set; } = pending;

        public int Attempt { get; set; }
    }

    private sealed class SortedOutcomes
    {
        public List<(WorkItem Item, RecordOutcome Outcome)> Done { get; } = [];

        public List<(WorkItem Item, RecordOutcome Outcome)> DeadLetters { get; } = [];

        public List<WorkItem> Retry { get; } = [];

        public TimeSpan? RetryAfter { get; set; }

        public ErrorClass RetryClass { get; set; } = ErrorClass.Transient;

        public (WorkItem Item, RecordOutcome Outcome)? Stop { get; set; }

        public (WorkItem Item, RecordOutcome Outcome)? Halt { get; set; }
    }
}
