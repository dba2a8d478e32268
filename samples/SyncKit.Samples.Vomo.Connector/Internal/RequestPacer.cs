using System.Threading.RateLimiting;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>
/// Paces every request of one VOMO token: each waits out the last <c>Retry-After</c> the server sent, then takes a
/// permit of the token's request budget. VOMO's budget is per token, so a 429 on one request speaks for every
/// request of the token — pages read ahead, member reads and lookups alike — not only for the call that got it.
/// </summary>
internal sealed class RequestPacer(RateLimiter? budget, TimeProvider time)
{
    /// <summary>How long to wait when the budget's queue is full and it names no better time.</summary>
    private static readonly TimeSpan QueueFullWait = TimeSpan.FromSeconds(1);

    /// <summary>The end of the current pause, in UTC ticks (0: none).</summary>
    private long _pausedUntil;

    /// <summary>Waits until a request may be sent: after any pause, with a permit of the budget.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        await WaitOutPauseAsync(cancellationToken).ConfigureAwait(false);
        if (budget is null)
        {
            return;
        }

        while (true)
        {
            using var lease = await budget.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                break;
            }

            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : QueueFullWait;
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        // A Retry-After that arrived while this request queued for its permit holds it too.
        await WaitOutPauseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Holds every request of the token for <paramref name="retryAfter"/> from now (a longer pause already set stays).</summary>
    public void Pause(TimeSpan retryAfter)
    {
        var until = (time.GetUtcNow() + retryAfter).UtcTicks;
        var current = Volatile.Read(ref _pausedUntil);
        while (until > current)
        {
            var seen = Interlocked.CompareExchange(ref _pausedUntil, until, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private async ValueTask WaitOutPauseAsync(CancellationToken cancellationToken)
    {
        // A pause can grow while this waits (another request's 429), so look again after each wait.
        while (Volatile.Read(ref _pausedUntil) - time.GetUtcNow().UtcTicks is var remaining && remaining > 0)
        {
            await Task.Delay(TimeSpan.FromTicks(remaining), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
