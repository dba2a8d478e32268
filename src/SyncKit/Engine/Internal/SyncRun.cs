using System.Buffers;
using System.Diagnostics;
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
    private readonly Channel<Chunk>[] _partitions;
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
            attempt => attempt.Retrying > 0,
            attempt => attempt.RetryAfter,
            retry => OnRetry("write", retry));
        // Each page is split into one chunk per partition, so a partition's channel holds about
        // PageSize / Partitions records per slot and all channels together about QueueCapacity records.
        var capacity = Math.Max(1, run.Options.QueueCapacity / run.Options.PageSize);
        _partitions = new Channel<Chunk>[run.Options.Partitions];
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i] = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(capacity)
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
        var request = _run.Request;
        try
        {
            // Runs that leave the checkpoint alone read their own source from its start.
            StartedFrom = request.MovesCheckpoint ? await _run.Store.Checkpoints.GetAsync(_run.Id, _abort.Token).ConfigureAwait(false) : null;
            _committed = StartedFrom;
            _tracker = new WatermarkTracker(StartedFrom);
            if (request.RedrivesDeadLetters)
            {
                await new DeadLetters.Internal.DeadLetterRedrive<T>(_run).RunAsync(readToken.Token).ConfigureAwait(false);
            }

            if (request.MovesCheckpoint)
            {
                _run.Metrics.TrackQueue(_run.Id, () => _tracker.PendingCount);
            }

            var stages = new List<Task>(_partitions.Length + 1) { Guard(ReadAsync(readToken.Token)) };
            stages.AddRange(_partitions.Select(p => Guard(ProcessPartitionAsync(p.Reader, readToken.Token))));
            await Task.WhenAll(stages).ConfigureAwait(false);
            await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopToken.IsCancellationRequested)
        {
            Fail(ex);
        }
        catch (OperationCanceledException)
        {
            // A graceful stop that arrived before the pipeline started: nothing was read, nothing to commit.
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

    private async Task Guard(Task stage)
    {
        try
        {
            await stage.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested || _failure is not null)
        {
            // Another stage failed or the grace period ran out; the failure (if any) is already recorded.
        }
        catch (OperationCanceledException)
        {
            // A graceful stop: stages end, what finished is committed by the flush.
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
    }

    private void Fail(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _failure, exception, null) is null)
        {
            var errorClass = exception is JobStoppedException stopped ? stopped.ErrorClass : _run.Resilience.Classifier.ClassifyOrDefault(exception).Class;
            _run.Evidence.Error(errorClass);
            if (exception is JobStoppedException)
            {
                Log.JobStopped(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, errorClass, exception.Message);
            }
            else if (exception is LeaseLostException lost)
            {
                Log.LeaseLost(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, lost.FencingToken, lost.Message);
            }
            else
            {
                Log.RunFailed(_run.Logger, exception, _run.RunId, _run.Id.Tenant, _run.Id.Stream, errorClass);
            }
        }

        _abort.Cancel();
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var after = StartedFrom?.Rewind(_run.Options.Lookback);
            var context = new SourceReadContext(_run.Id, _run.Options.PageSize) { Lookback = _run.Options.Lookback };
            while (true)
            {
                var page = await ReadPageAsync(after, context, cancellationToken).ConfigureAwait(false);
                _run.Evidence.Read(page.Records.Count);
                if (page.Records.Count > 0)
                {
                    var first = _tracker.RegisterRange(page.Records.Count, page.Records, static (records, i) => records[i].Position);
                    foreach (var (partition, chunk) in Split(page.Records, first))
                    {
                        await _partitions[partition].Writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    }
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

    /// <summary>Splits a page by key into one chunk per partition, keeping read order inside each.</summary>
    private IEnumerable<(int Partition, Chunk Chunk)> Split(IReadOnlyList<SourceRecord<T>> records, long firstSequence)
    {
        if (_partitions.Length == 1)
        {
            var sequences = new long[records.Count];
            for (var i = 0; i < sequences.Length; i++)
            {
                sequences[i] = firstSequence + i;
            }

            yield return (0, new Chunk([.. records], sequences));
            yield break;
        }

        var partitionOf = new int[records.Count];
        var sizes = new int[_partitions.Length];
        for (var i = 0; i < records.Count; i++)
        {
            partitionOf[i] = (int)((uint)StringComparer.Ordinal.GetHashCode(records[i].Key) % (uint)_partitions.Length);
            sizes[partitionOf[i]]++;
        }

        var chunks = new Chunk?[_partitions.Length];
        var filled = new int[_partitions.Length];
        for (var i = 0; i < records.Count; i++)
        {
            var p = partitionOf[i];
            var chunk = chunks[p] ??= new Chunk(new SourceRecord<T>[sizes[p]], new long[sizes[p]]);
            chunk.Records[filled[p]] = records[i];
            chunk.Sequences[filled[p]++] = firstSequence + i;
        }

        for (var p = 0; p < chunks.Length; p++)
        {
            if (chunks[p] is { } chunk)
            {
                yield return (p, chunk);
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
                throw new JobStoppedException(classification.Class, $"Reading {_run.Id} failed: {ex.Message}", ex);
            }

            throw;
        }
    }

    private async Task ProcessPartitionAsync(ChannelReader<Chunk> reader, CancellationToken stopToken)
    {
        var chunks = new List<Chunk>();
        while (await reader.WaitToReadAsync(stopToken).ConfigureAwait(false))
        {
            var size = 0;
            while (reader.TryPeek(out var next) && (size == 0 || size + next.Records.Length <= _run.Options.BatchSize) && reader.TryRead(out next))
            {
                chunks.Add(next);
                size += next.Records.Length;
            }

            // A batch that has started runs to its commit (bounded by the grace period); no new batch
            // starts once a stop is requested. A chunk larger than BatchSize is written in slices.
            var batch = Chunk.Concat(chunks, size);
            chunks.Clear();
            for (var offset = 0; offset < batch.Records.Length; offset += _run.Options.BatchSize)
            {
                await ProcessBatchAsync(batch.Slice(offset, _run.Options.BatchSize), _abort.Token).ConfigureAwait(false);
                stopToken.ThrowIfCancellationRequested();
            }
        }
    }

    private async Task ProcessBatchAsync(Chunk items, CancellationToken cancellationToken)
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
        catch (Exception ex) when (ex is not (OperationCanceledException or RunTerminatedException or LeaseLostException))
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
        _run.Evidence.Error(classification.Class);
        if (classification.Class.StopsJob())
        {
            throw new JobStoppedException(classification.Class, $"Writing {_run.Id} failed: {exception.Message}", exception);
        }

        if (classification.Class.IsRetryable())
        {
            throw exception;
        }

        if (state.Pending.Records.Length > 1)
        {
            for (var i = 0; i < state.Pending.Records.Length; i++)
            {
                await ProcessBatchAsync(state.Pending.Slice(i, 1), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        await FailForGoodAsync(state.Pending, RecordOutcome.Failed(classification.Class, exception.Message), state.Attempt, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<BatchAttempt> AttemptAsync(BatchState state, CancellationToken cancellationToken)
    {
        state.Attempt++;
        if (state.Pending.Records.Length == 0)
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
            }

            var records = state.Pending.Records;
            var batch = new DestinationBatch<T>(_run.Id, _run.RunId, records, transaction, transaction?.Dedup ?? _run.Store.Dedup);
            var outcomes = await destination.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            if (outcomes.Count != records.Length)
            {
                throw new InvalidOperationException(
                    $"The destination of {_run.Id} returned {outcomes.Count} outcomes for a batch of {records.Length} records; it must return one per record.");
            }

            using var settled = Settle(state, outcomes);
            if (!enlist)
            {
                await _commitGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                gateHeld = true;
            }

            await CommitAsync(transaction, settled, cancellationToken).ConfigureAwait(false);
            state.Pending = settled.Retry;
            if (settled.Stop is { } stop)
            {
                throw new JobStoppedException(stop.Outcome.ErrorClass, $"Record {stop.Record.Key} of {_run.Id} failed: {stop.Outcome.Error}");
            }

            if (settled.Halt is { } halt)
            {
                Log.StoppedAtRecord(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, halt.Record.Key, halt.Outcome.ErrorClass, halt.Outcome.Error!);
                throw new RunHaltedException($"Record {halt.Record.Key} of {_run.Id} failed ({halt.Outcome.ErrorClass}): {halt.Outcome.Error}");
            }

            return new BatchAttempt(settled.Retry.Records.Length, settled.RetryAfter);
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
    /// Sorts a batch's outcomes: done (written, skipped, deduplicated), dead-lettered, retried, or ending the
    /// job or run. Allocates per record only for the rare failures.
    /// </summary>
    private Settled Settle(BatchState state, IReadOnlyList<RecordOutcome> outcomes)
    {
        var pending = state.Pending;
        var settled = new Settled(pending.Records.Length) { Attempts = state.Attempt };
        long written = 0, skipped = 0, deduplicated = 0;
        List<int>? retry = null;
        for (var i = 0; i < outcomes.Count; i++)
        {
            var record = pending.Records[i];
            var outcome = outcomes[i];
            switch (outcome.Kind)
            {
                case RecordOutcomeKind.Written:
                    written++;
                    break;
                case RecordOutcomeKind.Skipped:
                    skipped++;
                    break;
                case RecordOutcomeKind.Deduplicated:
                    deduplicated++;
                    break;
                default:
                    _run.Evidence.Error(outcome.ErrorClass);
                    if (outcome.ErrorClass.StopsJob())
                    {
                        settled.Stop ??= (record, outcome);
                    }
                    else if (outcome.ErrorClass.IsRetryable() && state.Attempt <= _run.Options.MaxRetryAttempts)
                    {
                        (retry ??= []).Add(i);
                        settled.RetryAfter = Max(settled.RetryAfter, outcome.RetryAfter);
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
            if (_run.Options.AuditLog)
            {
                settled.Audit(_run.Audit(record, AuditActions.Of(outcome.Kind)));
            }

            if (i < 5)
            {
                _run.Evidence.Sample(record.Key);
            }
        }

        _run.Evidence.Handled(RecordOutcomeKind.Written, written);
        _run.Evidence.Handled(RecordOutcomeKind.Skipped, skipped);
        _run.Evidence.Handled(RecordOutcomeKind.Deduplicated, deduplicated);
        settled.Retry = retry is null ? Chunk.Empty : pending.Select(retry);
        return settled;
    }

    private async Task FailForGoodAsync(Chunk single, RecordOutcome outcome, int attempts, CancellationToken cancellationToken)
    {
        var record = single.Records[0];
        if (_run.Options.PartialFailure == PartialFailurePolicy.StopAtFirstFailure)
        {
            throw new RunHaltedException($"Record {record.Key} of {_run.Id} failed ({outcome.ErrorClass}): {outcome.Error}");
        }

        using var settled = new Settled(1) { Attempts = attempts };
        settled.DeadLetter(record, single.Sequences[0], outcome);
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
    /// Under the commit gate: writes dead letters and audit entries, moves the checkpoint to the new low
    /// watermark, and commits them in one transaction (the destination's writes too, when it enlisted).
    /// A failed commit halts the run so no later commit can count records whose effect was rolled back.
    /// </summary>
    private async Task CommitAsync(IStateTransaction? transaction, Settled settled, CancellationToken cancellationToken)
    {
        _abort.Token.ThrowIfCancellationRequested();
        var watermark = _tracker.CompleteAll(settled.Sequences);
        if (!_run.Request.WritesState)
        {
            return;
        }

        var advances = _run.Request.MovesCheckpoint && watermark is not null && !watermark.Equals(_committed);
        var deadLetters = settled.DeadLetters;
        if (settled.DeadLetters is { } dead && _run.Options.AuditLog)
        {
            dead.ForEach(d => settled.Audit(_run.Audit(d.Record, AuditActions.DeadLettered)));
        }

        if (transaction is null && !advances && deadLetters is null && settled.AuditEntries is null)
        {
            return;
        }

        var owned = transaction is null;
        transaction ??= await BeginAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (deadLetters is not null)
            {
                var entries = deadLetters.ConvertAll(d => _run.NewDeadLetter(d.Record, d.Outcome.ErrorClass, d.Outcome.Error ?? d.Outcome.ErrorClass.ToString(), settled.Attempts));
                await transaction.DeadLetters.UpsertAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            if (settled.AuditEntries is { } audit)
            {
                await transaction.Runs.AppendAuditAsync(audit, cancellationToken).ConfigureAwait(false);
            }

            if (advances)
            {
                await transaction.Checkpoints.SaveAsync(_run.Id, watermark!, cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ex);
            throw;
        }
        finally
        {
            if (owned)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }

        foreach (var (record, outcome) in deadLetters ?? [])
        {
            _run.Evidence.DeadLetter(record.Key);
            Log.RecordDeadLettered(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, record.Key, outcome.ErrorClass, settled.Attempts, outcome.Error ?? string.Empty);
        }

        if (advances)
        {
            _committed = watermark;
            _run.Metrics.CheckpointCommitted(_run.Id, watermark!);
            Log.CheckpointCommitted(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, watermark!);
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

    private void OnRetry(string operation, Resilience.Internal.RetryContext retry)
    {
        _run.Evidence.Retried();
        _run.Evidence.Error(retry.ErrorClass);
        Log.Retrying(_run.Logger, retry.Exception, _run.RunId, _run.Id.Tenant, _run.Id.Stream, operation, retry.Attempt - 1, retry.ErrorClass, retry.Delay);
    }

    private static TimeSpan? Max(TimeSpan? left, TimeSpan? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;

    private readonly record struct BatchAttempt(int Retrying, TimeSpan? RetryAfter);

    /// <summary>Records and their sequence numbers, in read order (one partition's share of pages).</summary>
    private sealed class Chunk(SourceRecord<T>[] records, long[] sequences)
    {
        public static Chunk Empty { get; } = new([], []);

        public SourceRecord<T>[] Records { get; } = records;

        public long[] Sequences { get; } = sequences;

        public static Chunk Concat(List<Chunk> chunks, int size)
        {
            if (chunks.Count == 1)
            {
                return chunks[0];
            }

            var merged = new Chunk(new SourceRecord<T>[size], new long[size]);
            var offset = 0;
            foreach (var chunk in chunks)
            {
                chunk.Records.CopyTo(merged.Records, offset);
                chunk.Sequences.CopyTo(merged.Sequences, offset);
                offset += chunk.Records.Length;
            }

            return merged;
        }

        public Chunk Slice(int offset, int length)
        {
            if (offset == 0 && length >= Records.Length)
            {
                return this;
            }

            length = Math.Min(length, Records.Length - offset);
            return new Chunk(Records.AsSpan(offset, length).ToArray(), Sequences.AsSpan(offset, length).ToArray());
        }

        public Chunk Select(List<int> indexes) =>
            new([.. indexes.Select(i => Records[i])], [.. indexes.Select(i => Sequences[i])]);
    }

    private sealed class BatchState(Chunk pending)
    {
        public Chunk Pending { get; set; } = pending;

        public int Attempt { get; set; }
    }

    /// <summary>What one attempt settled: the sequences now done (dead letters included) and what remains.</summary>
    private sealed class Settled(int capacity) : IDisposable
    {
        private readonly long[] _sequences = capacity == 0 ? [] : ArrayPool<long>.Shared.Rent(capacity);
        private int _count;

        public ReadOnlySpan<long> Sequences => _sequences.AsSpan(0, _count);

        public List<(SourceRecord<T> Record, RecordOutcome Outcome)>? DeadLetters { get; private set; }

        public List<AuditEntry>? AuditEntries { get; private set; }

        public Chunk Retry { get; set; } = Chunk.Empty;

        public TimeSpan? RetryAfter { get; set; }

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

        public void Dispose()
        {
            if (_sequences.Length > 0)
            {
                ArrayPool<long>.Shared.Return(_sequences);
            }
        }
    }
}
