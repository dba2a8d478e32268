using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;

namespace SyncKit.Samples.Vomo.Crm.Internal;

/// <summary>
/// Delivers webhook welcomes after their batch commits (pattern B with the ledger row as the reservation): a batch
/// makes each welcome due in <c>vomo_welcomes</c> in its own transaction, and the relay then sends them one at a time,
/// each in a short transaction of its own that claims the row, posts it, and marks it sent and its dedup key completed
/// before it commits. A kill inside that transaction rolls back only the welcome being posted, which stays due and is
/// sent again: the one possible repeat, reported (<c>status</c>) since each post is noted as begun before it is made
/// (<see cref="WelcomeLedger.StartAsync"/>). A webhook that is down keeps its welcomes due and pauses the relay with a
/// growing delay; one that rejects a welcome (any answer but 5xx, 429 or a timeout) marks it rejected for an
/// operator, who sees it in <c>status</c> and <c>dlq list</c> and re-arms it with <c>dlq retry</c>.
/// </summary>
/// <remarks>
/// The relay delivers for the users jobs whose destinations this process created (<see cref="Register"/>), starting
/// at once, so welcomes a killed process left due go out when the next one starts; it is woken after each batch that
/// made welcomes due and polls meanwhile, since that batch may not have committed yet; disposing it delivers what is
/// still due, so a process that ends leaves nothing it could send.
/// </remarks>
internal sealed class WelcomeRelay : IAsyncDisposable
{
    private const int Page = 100;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(1);

    // A sent welcome's body is kept as long as the core keeps a run's audit trail by default, then emptied once an hour.
    internal static readonly TimeSpan SentBodiesKept = TimeSpan.FromDays(30);
    private static readonly TimeSpan EmptyingInterval = TimeSpan.FromHours(1);

    // One send window per process, whatever the databases and tenants: tenants posting side by side would each hold
    // a window open, and one kill could then repeat a welcome per tenant.
    private static readonly SemaphoreSlim SendWindow = new(1, 1);

    private readonly ISyncStateStore _store;
    private readonly WelcomeLedger _ledger;
    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly WebhookWelcomeSender _webhook;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, JobId> _jobs = new(StringComparer.Ordinal);
    private readonly Channel<bool> _nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _start = new();
    private Task? _loop;
    private int _failures;
    private DateTimeOffset _pausedUntil;
    private DateTimeOffset _nextEmptying;

    public WelcomeRelay(ISyncStateStore store, WelcomeLedger ledger, Func<CancellationToken, Task<DbConnection>> open, WebhookWelcomeSender webhook, TimeProvider time)
    {
        _store = store;
        _ledger = ledger;
        _open = open;
        _webhook = webhook;
        _time = time;
    }

    /// <summary>Delivers the welcomes of <paramref name="job"/>'s tenant from now on, starting the relay if need be.</summary>
    public void Register(JobId job)
    {
        _jobs.TryAdd(job.Tenant, job);
        lock (_start)
        {
            _loop ??= Task.Run(RunAsync);
        }

        _nudges.Writer.TryWrite(true);
    }

    /// <summary>
    /// In a batch's transaction: makes due each welcome not sent before (its dedup key not completed, whichever way it
    /// went out), then wakes the relay, which sends them once the batch commits.
    /// </summary>
    public async Task RecordDueAsync(IDedupStore dedup, DbTransaction transaction, string tenant, IReadOnlyList<WelcomeNotification> welcomes, CancellationToken cancellationToken)
    {
        if (welcomes.Count == 0)
        {
            return;
        }

        var completed = await dedup.GetCompletedAsync(CrmWelcomes.Scope(tenant), [.. welcomes.Select(w => w.IdempotencyKey)], cancellationToken).ConfigureAwait(false);
        await _ledger.RecordDueAsync(transaction, welcomes.Where(w => !completed.Contains(w.IdempotencyKey)), cancellationToken).ConfigureAwait(false);
        _nudges.Writer.TryWrite(true);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
            await DrainAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            await DrainAsync(stop).ConfigureAwait(false);
            await EmptySentBodiesAsync(stop).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            using var poll = new CancellationTokenSource(now < _pausedUntil ? _pausedUntil - now : Poll, _time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stop, poll.Token);
            try
            {
                await _nudges.Reader.WaitToReadAsync(wake.Token).ConfigureAwait(false);
                _nudges.Reader.TryRead(out _);
            }
            catch (OperationCanceledException)
            {
                // Polled: a batch that woke the relay before it committed has committed since.
            }
        }
    }

    /// <summary>
    /// Sends what is due for each tenant, oldest first, until nothing is left, the webhook is down or
    /// <paramref name="stop"/> is set. A post under way is never cancelled: cut short, it might have arrived and
    /// would be sent again.
    /// </summary>
    private async Task DrainAsync(CancellationToken stop)
    {
        try
        {
            foreach (var job in _jobs.Values)
            {
                while (Sending(stop))
                {
                    List<string> due;
                    var connection = await _open(CancellationToken.None).ConfigureAwait(false);
                    await using (connection.ConfigureAwait(false))
                    {
                        due = await _ledger.DueAsync(connection, job.Tenant, Page, CancellationToken.None).ConfigureAwait(false);
                    }

                    var sent = 0;
                    foreach (var key in due.TakeWhile(_ => Sending(stop)))
                    {
                        sent += await SendAsync(job, key).ConfigureAwait(false) ? 1 : 0;
                    }

                    // Rows another instance holds are left to it.
                    if (due.Count < Page || sent == 0)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or LeaseLostException)
        {
            // The database, or the job's lock held by another process: the welcomes stay due, so try again later.
            Pause();
        }
    }

    /// <summary>Once an hour, empties the bodies of welcomes sent more than <see cref="SentBodiesKept"/> ago, a page at a time.</summary>
    private async Task EmptySentBodiesAsync(CancellationToken stop)
    {
        var now = _time.GetUtcNow();
        if (now < _nextEmptying)
        {
            return;
        }

        _nextEmptying = now + EmptyingInterval;
        try
        {
            var connection = await _open(stop).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                while (!stop.IsCancellationRequested && await _ledger.EmptySentAsync(connection, now - SentBodiesKept, Page, stop).ConfigureAwait(false) == Page)
                {
                }
            }
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException)
        {
            // The bodies wait for the next hour; nothing depends on them.
        }
    }

    private bool Sending(CancellationToken stop) => !stop.IsCancellationRequested && _time.GetUtcNow() >= _pausedUntil;

    /// <summary>Claims, posts and marks one welcome in one transaction; answers whether it was handled.</summary>
    private async Task<bool> SendAsync(JobId job, string key)
    {
        await SendWindow.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var connection = await _open(CancellationToken.None).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                if (!await _ledger.StartAsync(connection, key, CancellationToken.None).ConfigureAwait(false))
                {
                    return false;
                }
            }

            var transaction = await _store.BeginTransactionAsync(job, CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var database = transaction.DbTransaction!;
                if (await _ledger.ClaimAsync(database, key, CancellationToken.None).ConfigureAwait(false) is not { } welcome)
                {
                    return false;
                }

                try
                {
                    await _webhook.SendAsync(welcome, CancellationToken.None).ConfigureAwait(false);
                    await _ledger.SentAsync(database, key, CancellationToken.None).ConfigureAwait(false);
                    await transaction.Dedup.CompleteAsync(CrmWelcomes.Scope(job.Tenant), [key], CancellationToken.None).ConfigureAwait(false);
                    _failures = 0;
                }
                catch (SyncException ex)
                {
                    var retried = ex.ErrorClass.IsRetryable();
                    await _ledger.FailedAsync(database, key, ex.Message, rejected: !retried, CancellationToken.None).ConfigureAwait(false);
                    if (retried)
                    {
                        Pause(ex.RetryAfter);
                    }
                }

                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return true;
            }
        }
        finally
        {
            SendWindow.Release();
        }
    }

    /// <summary>Waits before the next delivery: as long as the webhook asked, else twice as long as last time.</summary>
    private void Pause(TimeSpan? retryAfter = null)
    {
        _failures++;
        var delay = retryAfter ?? TimeSpan.FromSeconds(Math.Min(LongestPause.TotalSeconds, Math.Pow(2, _failures - 1)));
        _pausedUntil = _time.GetUtcNow() + delay;
    }
}
