using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using Polly;
using SyncKit.Engine.Internal;
using SyncKit.Resilience.Internal;

namespace SyncKit.Reconciliation.Internal;

/// <summary>
/// Keeps reconciliation's calls to a source behind regular polling: each call waits until no regular run polls
/// the source, then takes a permit of the source's rate limiter, so background passes share the request budget
/// instead of competing with polling for it.
/// </summary>
internal sealed class SourceThrottle
{
    private static readonly TimeSpan RejectedWait = TimeSpan.FromSeconds(1);
    private readonly EngineServices _services;
    private readonly string _source;
    private readonly RateLimiter? _limiter;
    private readonly ResiliencePipeline _calls;

    public SourceThrottle(EngineServices services, SyncJobOptions options, JobId job, Action<RetryContext> onRetry)
    {
        _services = services;
        _source = SyncResilience.SourceKey(options, job);
        _limiter = options.SourceRateLimiter;
        _calls = services.Resilience.ForSource(options, job, onRetry);
    }

    /// <summary>One call (a lookup by key), through the source's pipeline: rate limiter, breaker, retries, timeout.</summary>
    public async ValueTask<TResult> CallAsync<TState, TResult>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken)
    {
        await _services.Polling.WhenIdleAsync(_source, cancellationToken).ConfigureAwait(false);
        return await _calls.ExecuteAsync(static (s, token) => s.call(s.state, token), (call, state), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A stream (a window, a key listing), one permit per page's worth of items. Streams are not retried: one that
    /// failed cannot resume where it was, so the pass fails rather than mistake a cut-off stream for a short one.
    /// </summary>
    public async IAsyncEnumerable<TItem> ReadAsync<TItem>(IAsyncEnumerable<TItem> items, int pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var read = 0;
        await WaitTurnAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return item;
            if (++read % pageSize == 0)
            {
                await WaitTurnAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        await _services.Polling.WhenIdleAsync(_source, cancellationToken).ConfigureAwait(false);
        if (_limiter is null)
        {
            return;
        }

        while (true)
        {
            using var lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return;
            }

            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : RejectedWait;
            await Task.Delay(wait, _services.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
