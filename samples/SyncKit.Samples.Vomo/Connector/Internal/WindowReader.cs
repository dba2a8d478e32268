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
/// lookback. A pass of a single page is one snapshot and needs no second look.
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

        // Nothing above may change the session: a failed read is retried from the same state.
        var records = session.Take(page.Data, resource);
        Cursor next;
        var hasMore = true;
        if (page.Links.Next is not null && page.Data.Count > 0)
        {
            next = session.NextPage();
        }
        else if (session.EndPass(options.ReplicaLag) is { } verdict && (verdict.Settled || session.CompletePasses >= options.MaxPasses))
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

    /// <summary>The version handed on for each id in this window, to hand on only what changed.</summary>
    public Dictionary<long, T> Seen { get; } = [];

    /// <summary>The cursor the next read must continue from for this session to apply.</summary>
    public Cursor? Expected { get; set; }

    /// <summary>The newest <c>updated_at</c> of the first complete pass.</summary>
    private DateTimeOffset? Newest { get; set; }

    /// <summary>Items older than this are settled: no new version of them can still appear.</summary>
    private DateTimeOffset? Horizon { get; set; }

    private bool FoundSettledChange { get; set; }

    private int PagesInPass { get; set; }

    public static WindowSession<T> Open(Cursor? after, TimeSpan lookback, Func<DateTimeOffset?, PageReadAhead<T>> pages)
    {
        var (position, midPass) = WindowPosition.Parse(after);
        return new WindowSession<T>(position, midPass, lookback, pages);
    }

    /// <summary>Takes a page's items: returns those not already handed on, and notes what the pass learned.</summary>
    public List<SourceRecord<T>> Take(IReadOnlyList<T> items, VomoResource<T> resource)
    {
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

            if (Seen.TryGetValue(id, out var seen) && seen.Equals(item))
            {
                continue;
            }

            Seen[id] = item;
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
    public (bool Settled, bool First)? EndPass(TimeSpan replicaLag)
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

        // One page is one snapshot: nothing can have moved between reads.
        return (PagesInPass == 1 || (!first && !FoundSettledChange), first);
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
