using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SyncKit.Samples.Vomo.Connector.Internal;

/// <summary>One page of a window read: the changes to hand on, and where the next read continues.</summary>
/// <param name="Records">The changes not already handed on in this window, each at its own position.</param>
/// <param name="Start">The position this read continued from (the opening of a fresh window when it started one).</param>
/// <param name="Next">Where the next read continues; once every record is handled the checkpoint may move here.</param>
/// <param name="HasMore">Whether the window goes on; <see langword="false"/> once it is done.</param>
internal sealed record WindowPage<T>(IReadOnlyList<SourceRecord<T>> Records, Cursor Start, Cursor Next, bool HasMore);

/// <summary>
/// Reads a VOMO list as windows, without trusting its order: a window is every item updated on or after
/// (anchor − lookback), read page by page with one request per call. Offsets are live, so a row can be skipped
/// when rows before it move or vanish while the run pages; the window is therefore read again until a pass finds
/// no <em>settled</em> change (older than the window's newest timestamp minus the replica lag) that earlier passes
/// missed. Changes newer than that are left to the next window, which opens at the newest timestamp minus the
/// lookback. A pass of a single page is one snapshot and needs no second look; nor does a first pass that proves
/// the list held still while it read (see <see cref="HeldStillAsync"/>), which is what a backfill of data nobody
/// is changing meets, page after page.
/// </summary>
internal sealed class WindowReader<T>(VomoClient client, VomoResource<T> resource, VomoSourceOptions options, ILogger logger)
    where T : class
{
    private readonly ConcurrentDictionary<JobId, WindowSession<T>> _sessions = new();

    public async ValueTask<WindowPage<T>> ReadAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        // Continue the session the last page left, or (new run, crash, retry after a different continuation) start over from the cursor.
        if (!_sessions.TryGetValue(context.Job, out var session) || !Equals(session.Expected, after))
        {
            session?.Pages.Dispose();
            session = WindowSession<T>.Open(after, Max(context.Lookback, options.ReplicaLag), lowerBound =>
                new PageReadAhead<T>(client, resource, new VomoListQuery(UpdatedAfter: lowerBound), options.ReadAheadPages));
            session.Expected = after;

            // Held from the start, so a read that fails leaves this session (its read-ahead owned) to the retry.
            _sessions[context.Job] = session;
        }

        var start = after ?? session.Position.Opening();
        var page = await session.Pages.ReadAsync(session.Page, cancellationToken).ConfigureAwait(false);
        var endsPass = PageBounds.IsLast(page, session.Page);
        var heldStill = endsPass && session.ProvableSince(page) is { } servedAt
            && await HeldStillAsync(session, servedAt - Max(context.Lookback, options.ReplicaLag), cancellationToken).ConfigureAwait(false);

        // Nothing above may change the session: a failed read is retried from the same state.
        var records = session.Take(page, resource);
        Cursor next;
        var hasMore = true;
        if (!endsPass)
        {
            next = session.NextPage();
        }
        else if (session.EndPass(options.ReplicaLag, heldStill) is { } verdict && (verdict.Settled || session.CompletePasses >= options.MaxPasses))
        {
            if (!verdict.Settled)
            {
                Log.WindowNotSettled(logger, context.Job.Tenant, context.Job.Stream, session.Position.Window, session.CompletePasses);
            }

            next = session.Close();
            hasMore = false;
            Log.WindowCompleted(logger, context.Job.Tenant, context.Job.Stream, session.Position.Window, session.CompletePasses, session.Seen.Count, next.Timestamp);
        }
        else
        {
            next = session.NextPass();
        }

        session.Expected = next;
        if (hasMore)
        {
            _sessions[context.Job] = session;
        }
        else if (_sessions.TryRemove(context.Job, out _))
        {
            session.Pages.Dispose();
        }

        return new WindowPage<T>(records, start, next, hasMore);
    }

    /// <summary>
    /// Whether the window's list held still while the first pass read it, so no offset can have shifted under it:
    /// every page reported the same total (no row vanished without another showing), and one more request finds no
    /// row in the window updated or created since the pass began. A change that showed while the pass read was
    /// written at most the replica lag before it showed, and its <c>updated_at</c> is that write's second; the pass
    /// began after its first page's request was sent, which the server's clock places no earlier than its
    /// <c>Date</c> minus the request timeout. Only the server's clock is compared with its timestamps, and the
    /// window's lookback (at least the replica lag) stands in for the lag, so it also absorbs a server whose
    /// <c>Date</c> runs a little ahead of the clock that stamps its rows.
    /// </summary>
    /// <param name="session">The window.</param>
    /// <param name="servedAt">The first page's <c>Date</c>, less the window's lookback.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    private async Task<bool> HeldStillAsync(WindowSession<T> session, DateTimeOffset servedAt, CancellationToken cancellationToken)
    {
        var since = servedAt - client.Connection.RequestTimeout - TimeSpan.FromSeconds(1);
        var changed = await client.ListAsync(resource, new VomoListQuery(UpdatedAfter: session.LowerBound is { } lower && lower > since ? lower : since), 1, cancellationToken).ConfigureAwait(false);
        return changed.Meta.Total == 0 && changed.Data.Count == 0;
    }

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}

/// <summary>The state of one window being read by one job's run.</summary>
internal sealed class WindowSession<T>
    where T : class
{
    private WindowSession(WindowPosition position, bool midPass, TimeSpan lookback, Func<DateTimeOffset?, PageReadAhead<T>> pages)
    {
        Position = position;
        Pass = position.Pass;
        Page = position.Page;
        MidPass = midPass;
        LowerBound = position.Anchor - lookback;
        Pages = pages(LowerBound);
    }

    public WindowPosition Position { get; }

    /// <summary>The list's <c>updated_after</c>; <see langword="null"/> reads everything (the first window).</summary>
    public DateTimeOffset? LowerBound { get; }

    /// <summary>The window's list (filtered from <see cref="LowerBound"/>), read a few pages ahead.</summary>
    public PageReadAhead<T> Pages { get; }

    public int Pass { get; private set; }

    public int Page { get; private set; }

    /// <summary>Whether this pass began part-way (a resumed run): it cannot vouch for the window on its own.</summary>
    public bool MidPass { get; private set; }

    public int CompletePasses { get; private set; }

    /// <summary>
    /// The fingerprint of the version handed on for each id in this window, to hand on only what changed. A fingerprint,
    /// not the item: the first window covers the whole tenant, so this holds an entry per record of it (about 40 bytes
    /// each with the dictionary's own, where an item is hundreds).
    /// </summary>
    public Dictionary<long, UInt128> Seen { get; } = [];

    /// <summary>The cursor the next read must continue from for this session to apply.</summary>
    public Cursor? Expected { get; set; }

    /// <summary>The newest <c>updated_at</c> of the first complete pass.</summary>
    private DateTimeOffset? Newest { get; set; }

    /// <summary>Items older than this are settled: no new version of them can still appear.</summary>
    private DateTimeOffset? Horizon { get; set; }

    private bool FoundSettledChange { get; set; }

    private int PagesInPass { get; set; }

    /// <summary>The server's <c>Date</c> on this pass's first page, if it sent one.</summary>
    private DateTimeOffset? PassServedAt { get; set; }

    /// <summary>The total this pass's first page reported.</summary>
    private long PassTotal { get; set; }

    /// <summary>Whether every page of this pass so far reported <see cref="PassTotal"/>.</summary>
    private bool TotalsAgree { get; set; }

    public static WindowSession<T> Open(Cursor? after, TimeSpan lookback, Func<DateTimeOffset?, PageReadAhead<T>> pages)
    {
        var (position, midPass) = WindowPosition.Parse(after);
        return new WindowSession<T>(position, midPass, lookback, pages);
    }

    /// <summary>
    /// When <paramref name="last"/> ends a first complete pass of more than one page whose pages all reported the
    /// same total, the server's time on the pass's first page: the pass may prove the list held still since.
    /// </summary>
    public DateTimeOffset? ProvableSince(VomoPage<T> last) =>
        !MidPass && Horizon is null && PagesInPass > 0 && TotalsAgree && last.Meta.Total == PassTotal ? PassServedAt : null;

    /// <summary>Takes a page's items: returns those not already handed on, and notes what the pass learned.</summary>
    public List<SourceRecord<T>> Take(VomoPage<T> page, VomoResource<T> resource)
    {
        if (PagesInPass == 0)
        {
            PassServedAt = page.ServedAt;
            PassTotal = page.Meta.Total;
            TotalsAgree = true;
        }
        else
        {
            TotalsAgree &= page.Meta.Total == PassTotal;
        }

        var items = page.Data;
        var records = new List<SourceRecord<T>>(items.Count);
        var firstCompletePass = !MidPass && Horizon is null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var id = resource.IdOf(item);
            var updatedAt = resource.UpdatedAtOf(item);
            if (firstCompletePass && (Newest is null || updatedAt > Newest))
            {
                Newest = updatedAt;
            }

            var fingerprint = ItemFingerprint.Of(item, resource.Json);
            if (Seen.TryGetValue(id, out var seen) && seen == fingerprint)
            {
                continue;
            }

            Seen[id] = fingerprint;
            records.Add(new SourceRecord<T>(resource.KeyOf(item), Position.Record(Pass, Page, i), item));
            if (Horizon is { } horizon && updatedAt < horizon)
            {
                // A settled row this window had not seen: an earlier pass skipped it, so this pass may have skipped one too.
                FoundSettledChange = true;
            }
        }

        PagesInPass++;
        return records;
    }

    public Cursor NextPage() => Position.AfterPage(Pass, Page++);

    /// <summary>Ends the pass; returns whether the window is settled, or <see langword="null"/> when the pass was partial.</summary>
    /// <param name="replicaLag">How long a change may take to show.</param>
    /// <param name="heldStill">Whether the list was shown to hold still while this (first) pass read it.</param>
    public (bool Settled, bool First)? EndPass(TimeSpan replicaLag, bool heldStill)
    {
        if (MidPass)
        {
            return null;
        }

        CompletePasses++;
        var first = Horizon is null;
        if (first)
        {
            Horizon = (Anchor() ?? DateTimeOffset.MinValue + replicaLag) - replicaLag;
        }

        // One page is one snapshot, and a list that held still with every row seen once is another: nothing can
        // have moved between reads. Otherwise a later pass must find nothing settled that earlier ones missed.
        var snapshot = PagesInPass == 1 || (first && heldStill && Seen.Count == PassTotal);
        return (snapshot || (!first && !FoundSettledChange), first);
    }

    public Cursor NextPass()
    {
        var next = Position.AfterPage(Pass, Page);
        Pass++;
        Page = 1;
        Pages.Reset();
        MidPass = false;
        FoundSettledChange = false;
        PagesInPass = 0;
        return next;
    }

    /// <summary>The window is done: the next one opens at its newest timestamp.</summary>
    public Cursor Close() => WindowPosition.Opening(Anchor(), Position.Window + 1);

    private DateTimeOffset? Anchor() => Newest is { } newest && (Position.Anchor is not { } anchor || newest > anchor) ? newest : Position.Anchor;
}
