using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
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
    private readonly ResiliencePipelineRegistry<string> _shared = new();
    private readonly ConcurrentDictionary<string, CircuitBreakerStateProvider> _breakers = new(StringComparer.Ordinal);

    public DefaultErrorClassifier Classifier => classifier;

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

    public ResiliencePipeline ForSource(SyncJobOptions options, JobId job, Action<RetryContext> onRetry)
    {
        var shared = Shared(SourceKey(options, job), options, options.SourceRateLimiter);
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsRetryable(ex)),
            MaxRetryAttempts = options.MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.RetryMaxDelay,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception, null, options)),
            OnRetry = args =>
            {
                onRetry(new RetryContext(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception, ClassOf(args.Outcome.Exception)));
                return ValueTask.CompletedTask;
            },
        });
        }

        return builder.AddPipeline(shared).AddTimeout(options.AttemptTimeout).Build();
    }

    public ResiliencePipeline<TResult> ForDestination<TResult>(
        SyncJobOptions options,
        JobId job,
        Func<TResult, bool> hasRetryableRecords,
        Func<TResult, TimeSpan?> resultRetryAfter,
        Action<RetryContext> onRetry)
    {
        var shared = Shared(DestinationKey(options, job), options, rateLimiter: null);
        var builder = new ResiliencePipelineBuilder<TResult> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<TResult>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex
                    ? IsRetryable(ex)
                    : hasRetryableRecords(args.Outcome.Result!)),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(
                    args.Outcome.Exception,
                    args.Outcome.Exception is null ? resultRetryAfter(args.Outcome.Result!) : null,
                    options)),
                OnRetry = args =>
                {
                    var errorClass = args.Outcome.Exception is null ? ErrorClass.Transient : ClassOf(args.Outcome.Exception);
                    onRetry(new RetryContext(args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception, errorClass));
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.AddPipeline(shared).AddTimeout(options.AttemptTimeout).Build();
    }

    private ResiliencePipeline Shared(string name, SyncJobOptions options, System.Threading.RateLimiting.RateLimiter? rateLimiter) =>
        _shared.GetOrAddPipeline(name, builder =>
        {
            builder.TimeProvider = timeProvider;
            var stateProvider = _breakers.GetOrAdd(name, _ => new CircuitBreakerStateProvider());
            var settings = options.CircuitBreaker;
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsRetryable(ex)),
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                StateProvider = stateProvider,
                OnOpened = args =>
                {
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
        });

    private bool IsRetryable(Exception exception) =>
        exception is not (OperationCanceledException or Engine.Internal.RunTerminatedException or LeaseLostException) && ClassOf(exception).IsRetryable();

    private ErrorClass ClassOf(Exception? exception) =>
        exception is null ? ErrorClass.Transient : classifier.ClassifyOrDefault(exception).Class;

    private TimeSpan? RetryAfter(Exception? exception, TimeSpan? fromResult, SyncJobOptions options)
    {
        var retryAfter = exception is null ? fromResult : classifier.ClassifyOrDefault(exception).RetryAfter;
        return retryAfter is { } wait ? TimeSpan.FromTicks(Math.Min(wait.Ticks, options.RetryMaxDelay.Ticks)) : null;
    }
}

/// <summary>What the engine learns about a retry.</summary>
internal readonly record struct RetryContext(int Attempt, TimeSpan Delay, Exception? Exception, ErrorClass ErrorClass);
