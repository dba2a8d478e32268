using System.Runtime.CompilerServices;
using SyncKit.Simulation.Scheduling;

namespace SyncKit.Simulation.World;

/// <summary>
/// The engine's view of <see cref="SourceLog"/> for one life of the process: each page is served when the driver
/// releases its call, from what is visible then, and sometimes fails the way a remote source fails.
/// </summary>
internal sealed class SimSource(Scheduler scheduler, Incarnation life, SourceLog log, Observations seen, TimeProvider time, Faults faults, bool readsBelowHorizon)
    : IWindowedSource<SimRecord>
{
    public async ValueTask<SourcePage<SimRecord>> ReadPageAsync(Cursor? after, SourceReadContext context, CancellationToken cancellationToken)
    {
        await scheduler.At(life, PointKind.Source, $"page after {after}", cancellationToken);
        faults.ThrowForSource(scheduler.Random);

        var now = time.GetUtcNow();
        var visible = log.Visible(now);
        var horizon = readsBelowHorizon ? Horizon(now) : null;
        if (horizon is { } below)
        {
            visible.RemoveAll(v => v.Position.Timestamp >= below.At);
        }

        var start = after is null ? 0 : visible.FindIndex(v => v.Position.CompareTo(after) > 0);
        start = start < 0 ? visible.Count : start;

        // A source may return fewer records than asked for; it says whether more follow.
        var size = Math.Min(context.PageSize, 1 + scheduler.Random.Next(context.PageSize));
        var page = visible.Skip(start).Take(size).ToList();
        if (life.CurrentSync is { Pages: 0 })
        {
            seen.Started(visible.Skip(start));
        }

        if (life.CurrentSync is { } current)
        {
            current.Pages++;
        }

        foreach (var version in page)
        {
            seen.Read(version, life.CurrentSync);
        }

        return new SourcePage<SimRecord>([.. page.Select(v => v.ToSourceRecord())], HasMore: start + page.Count < visible.Count) { Horizon = horizon };
    }

    /// <summary>
    /// The oldest transaction still open (a version stamped but not yet committed) holds the horizon: nothing stamped at or
    /// after its stamp is read until it commits, so it cannot commit behind a checkpoint.
    /// </summary>
    private SourceHorizon Horizon(DateTimeOffset now)
    {
        var open = log.Versions.Where(v => v.VisibleAt > now).Select(v => v.Position.Timestamp!.Value).DefaultIfEmpty(now).Min();
        return open < now ? new SourceHorizon(open, $"a transaction open since {open:O}") : new SourceHorizon(now);
    }

    public async IAsyncEnumerable<SourceRecord<SimRecord>> ReadWindowAsync(JobId job, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await scheduler.At(life, PointKind.Source, $"window [{from:O}, {to:O})", cancellationToken);
        faults.ThrowForSource(scheduler.Random);
        var now = time.GetUtcNow();
        foreach (var version in log.Visible(now).Where(v => v.Position.Timestamp >= from && v.Position.Timestamp < to))
        {
            yield return version.ToSourceRecord();
        }
    }
}
