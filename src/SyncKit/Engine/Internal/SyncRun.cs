using System.Threading.Channels;
using Polly;
using Polly.CircuitBreaker;
using SyncKit.Diagnostics.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit.Engine.Internal;

/// <summary>
/// One run of one job: poll pages into bounded per-partition channels, write batches, and commit the low
/// watermark after each batch. A record counts as done only once its effect is durable (written or
/// skipped by the destination, or its dead letter committed), so the checkpoint never passes a record
/// that a crash could lose.
/// </summary>
internal sealed partial class SyncRun<T>
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
        SyncResilience.CallsFor(_run.Id);
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
                await new DeadLetterRedrive<T>(_run).RunAsync(readToken.Token).ConfigureAwait(false);
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
        BrokenCircuitException or { InnerException: BrokenCircuitException } =>
            (RunOutcome.Failed, _run.Resilience.Explain(_failure as BrokenCircuitException ?? (BrokenCircuitException)_failure.InnerException!, _run.Options, _run.Id)),
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
            Log.JobStopped(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, stopped.ErrorClass, ErrorText.Clean(exception.Message));
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
        Log.StoppedAtRecord(_run.Logger, _run.RunId, _run.Id.Tenant, _run.Id.Stream, record.Key, outcome.ErrorClass, ErrorText.Clean(outcome.Error) ?? string.Empty);
        return new RunHaltedException($"Record {record.Key} of {_run.Id} failed ({outcome.ErrorClass}): {outcome.Error}");
    }

    private static TimeSpan? Max(TimeSpan? left, TimeSpan? right) =>
        left is null ? right : right is null ? left : left > right ? left : right;
}
