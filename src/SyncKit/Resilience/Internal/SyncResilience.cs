using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using SyncKit.Diagnostics.Internal;

namespace SyncKit.Resilience.Internal;

/// <summary>
/// Builds the Polly pipelines a run uses: retries and timeouts are per run; circuit breakers (and the
/// source's rate limiter) are shared, one per source and one per tenant destination, for the life of
/// the engine.
/// </summary>
internal sealed class SyncResilience(TimeProvider timeProvider, DefaultErrorClassifier classifier, ILogger logger)
{
    private static readonly ResiliencePropertyKey<int> AttemptsMade = new("SyncKit.AttemptsMade");
    private static readonly AsyncLocal<JobId?> Caller = new();

    // One shared pipeline per name, built once: a breaker's state provider can be initialised by one pipeline only,
    // and a factory that ran twice for jobs starting together would fail the second run before it was recorded.
    private readonly ConcurrentDictionary<string, Lazy<ResiliencePipeline>> _shared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _breakers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _openedBy = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<Exception, object> _failedCalls = [];

    public DefaultErrorClassifier Classifier => classifier;

    /// <summary>Where retry jitter comes from; Polly's shared random unless a deterministic simulation sets a seeded one.</summary>
    public Func<double>? Randomizer { get; set; }

    /// <summary>The state of every breaker created so far, by name (<c>source:NAME</c> or <c>destination:TENANT:NAME</c>).</summary>
    public IReadOnlyDictionary<string, CircuitState> BreakerStates =>
        _breakers.ToDictionary(p => p.Key, p => p.Value.CircuitState, StringComparer.Ordinal);

    /// <summary>The name of the breaker (and polling activity) of a job's source.</summary>
    public static string SourceKey(SyncJobOptions options, JobId job) => $"source:{options.SourceName ?? job.Stream}";

    /// <summary>The name of the breaker of a job's tenant destination.</summary>
    public static string DestinationKey(SyncJobOptions options, JobId job) => $"destination:{job.Tenant}:{options.DestinationName ?? job.Stream}";

    /// <summary>The state of one breaker; a breaker no call has created yet is closed.</summary>
    public BreakerState StateOf(string name) =>
        _breakers.TryGetValue(name, out var breaker)
            ? breaker.CircuitState switch
            {
                CircuitState.Open => BreakerState.Open,
                CircuitState.HalfOpen => BreakerState.HalfOpen,
                CircuitState.Isolated => BreakerState.Isolated,
                _ => BreakerState.Closed,
            }
            : BreakerState.Closed;

    /// <summary>
    /// Marks the calls the current asynchronous flow makes from here on as the job's, so a breaker they open can say
    /// which job's failure opened it. Call it at the start of an async method: the mark stays within that run.
    /// </summary>
    public static void CallsFor(JobId job) => Caller.Value = job;

    /// <summary>
    /// A refused call's message with its first cause: the breaker of <paramref name="job"/> that is open, the job
    /// whose failure opened it (it may be another stream sharing the breaker) and that failure, not only Polly's
    /// "the circuit is now open".
    /// </summary>
    public string Explain(BrokenCircuitException refused, SyncJobOptions options, JobId job)
    {
        foreach (var name in new[] { SourceKey(options, job), DestinationKey(options, job) })
        {
            if (StateOf(name) != BreakerState.Closed && _openedBy.TryGetValue(name, out var cause))
            {
                return $"{refused.Message} Breaker {name} opened when {cause}";
            }
        }

        return refused.Message;
    }

    /// <summary>
    /// <see cref="Explain"/> for a failure that is (or wraps) a call an open breaker refused; otherwise the failure's own
    /// message.
    /// </summary>
    public string Describe(Exception failure, SyncJobOptions options, JobId job) =>
        (failure as BrokenCircuitException ?? failure.InnerException as BrokenCircuitException) is { } refused
            ? Explain(refused, options, job)
            : failure.Message;

    public ResiliencePipeline ForSource(SyncJobOptions options, JobId job, Action<RetryContext> onRetry)
    {
        var shared = Shared(SourceKey(options, job), options, options.SourceRateLimiter);
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            var retry = new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsRetryable(ex, args.Context.CancellationToken)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(Cap(classifier.ClassifyOrDefault(args.Outcome.Exception!).RetryAfter, options)),
                OnRetry = args =>
                {
                    onRetry(new RetryContext(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception, ClassOf(args.Outcome.Exception!)));
                    return ValueTask.CompletedTask;
                },
            };
            UseRandomizer(retry);
            builder.AddRetry(retry);
        }

        return builder.AddPipeline(shared).AddTimeout(options.AttemptTimeout).Build();
    }

    /// <summary>
    /// The number of the destination attempt in progress, counting from 1, as the retry of
    /// <see cref="ForDestination"/> counts it: a call its open breaker refused is an attempt too, so the engine's
    /// count and the retry's agree on when a batch's attempts are spent.
    /// </summary>
    /// <param name="context">The context the pipeline hands its callback.</param>
    public static int AttemptOf(ResilienceContext context) => context.Properties.GetValue(AttemptsMade, 0) + 1;

    /// <summary>
    /// A run's destination pipeline: retries, of thrown failures and of results with records worth retrying,
    /// around the tenant destination's shared breaker and a per-attempt timeout. It hands back the last
    /// attempt's result, records still worth retrying included, once its attempts are spent.
    /// </summary>
    /// <param name="options">The job's options.</param>
    /// <param name="job">The job (its tenant picks the breaker).</param>
    /// <param name="retryOf">What in a returned result calls for a retry (records that failed retryably), or <see langword="null"/>.</param>
    /// <param name="onRetry">Told about every retry.</param>
    public ResiliencePipeline<TResult> ForDestination<TResult>(
        SyncJobOptions options,
        JobId job,
        Func<TResult, ErrorClassification?> retryOf,
        Action<RetryContext> onRetry)
    {
        var shared = Shared(DestinationKey(options, job), options, rateLimiter: null);
        var builder = new ResiliencePipelineBuilder<TResult> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            var retry = new RetryStrategyOptions<TResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    ? IsRetryable(ex, args.Context.CancellationToken)
                    : retryOf(args.Outcome.Result!) is not null),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(Cap(
                    args.Outcome.Exception is { } ex ? classifier.ClassifyOrDefault(ex).RetryAfter : retryOf(args.Outcome.Result!)?.RetryAfter,
                    options)),
                OnRetry = args =>
                {
                    var errorClass = args.Outcome.Exception is { } ex ? ClassOf(ex) : retryOf(args.Outcome.Result!)!.Value.Class;
                    args.Context.Properties.Set(AttemptsMade, args.AttemptNumber + 1);
                    onRetry(new RetryContext(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception, errorClass));
                    return ValueTask.CompletedTask;
                },
            };
            UseRandomizer(retry);
            builder.AddRetry(retry);
        }

        return builder.AddPipeline(shared).AddTimeout(options.AttemptTimeout).Build();
    }

    private void UseRandomizer<TResult>(RetryStrategyOptions<TResult> options)
    {
        if (Randomizer is { } randomizer)
        {
            options.Randomizer = randomizer;
        }
    }

    private ResiliencePipeline Shared(string name, SyncJobOptions options, System.Threading.RateLimiting.RateLimiter? rateLimiter) =>
        _shared.GetOrAdd(name, _ => new Lazy<ResiliencePipeline>(() => BuildShared(name, options, rateLimiter))).Value;

    private ResiliencePipeline BuildShared(string name, SyncJobOptions options, System.Threading.RateLimiting.RateLimiter? rateLimiter)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        var stateProvider = new CircuitBreakerStateProvider();
        var settings = options.CircuitBreaker;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsRetryable(ex, args.Context.CancellationToken) && Counted(ex)),
            FailureRatio = settings.FailureRatio,
            MinimumThroughput = settings.MinimumThroughput,
            SamplingDuration = settings.SamplingDuration,
            BreakDuration = settings.BreakDuration,
            StateProvider = stateProvider,
            OnOpened = args =>
            {
                // Polly runs this callback off the call's flow: the job is the one Counted saw make the call.
                var failure = ErrorText.Clean(args.Outcome.Exception?.Message) ?? "an unknown failure";
                _openedBy[name] = args.Outcome.Exception is { } ex && _failedCalls.TryGetValue(ex, out var job)
                    ? $"{job} failed: {failure}"
                    : $"a call failed: {failure}";
                Log.BreakerOpened(logger, args.Outcome.Exception, name, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Log.BreakerClosed(logger, name);
                return ValueTask.CompletedTask;
            },
        });
        if (rateLimiter is not null)
        {
            builder.AddRateLimiter(rateLimiter);
        }

        var pipeline = builder.Build();
        _breakers[name] = stateProvider;
        return pipeline;
    }

    /// <summary>
    /// Whether a failed call is worth repeating (and counts against a breaker). A cancellation the run asked for
    /// is not a failure; an <see cref="OperationCanceledException"/> the connector raised on its own (an HTTP
    /// client's timeout) is classified like any other exception.
    /// </summary>
    private bool IsRetryable(Exception exception, CancellationToken cancellationToken) =>
        exception is not (RunTerminatedException or LeaseLostException)
        && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        && ClassOf(exception).IsRetryable();

    /// <summary>Notes which job's call failed, for the breaker it opens; always counts the failure.</summary>
    private bool Counted(Exception exception)
    {
        if (Caller.Value is { } job)
        {
            _failedCalls.AddOrUpdate(exception, job);
        }

        return true;
    }

    private ErrorClass ClassOf(Exception exception) => classifier.ClassifyOrDefault(exception).Class;

    private static TimeSpan? Cap(TimeSpan? retryAfter, SyncJobOptions options) =>
        retryAfter is { } wait ? TimeSpan.FromTicks(Math.Min(wait.Ticks, options.RetryMaxDelay.Ticks)) : null;
}

/// <summary>What the engine learns about a retry.</summary>
/// <param name="Attempt">The attempt that failed, counting from 1.</param>
/// <param name="Delay">The wait before it.</param>
/// <param name="Exception">The failure, or <see langword="null"/> when a returned result had records to retry.</param>
/// <param name="ErrorClass">The failure's class.</param>
internal readonly record struct RetryContext(int Attempt, TimeSpan Delay, Exception? Exception, ErrorClass ErrorClass);
