using Cronos;

namespace SyncKit.Jobs.Internal;

/// <summary>
/// When a job is due: every <see cref="SyncJobOptions.Cadence"/> on a grid from its first due time, or at the
/// occurrences of its calendar <see cref="SyncJobOptions.Schedule"/> in its time zone.
/// </summary>
internal abstract class JobSchedule
{
    /// <summary>The schedule a job's options ask for.</summary>
    /// <param name="options">The job's options, valid.</param>
    /// <param name="now">Now: a calendar schedule asked for the first time measures its <see cref="Cadence"/> from here.</param>
    public static JobSchedule For(SyncJobOptions options, DateTimeOffset now) =>
        options.Schedule is { } expression
            ? new Calendar(CalendarExpression.Parse(expression), CalendarExpression.Zone(options.ScheduleTimeZone), CalendarExpression.Cadence(expression, options.ScheduleTimeZone, now))
            : new Interval(options.Cadence);

    /// <summary>How far apart runs are: the interval, or the longest gap between the calendar's occurrences (<see cref="CalendarExpression.Cadence"/>).</summary>
    public abstract TimeSpan Cadence { get; }

    /// <summary>Whether the job runs at a calendar's occurrences rather than every <see cref="Cadence"/>.</summary>
    public bool IsCalendar => this is Calendar;

    /// <summary>The slot after <paramref name="slot"/>.</summary>
    public abstract DateTimeOffset Following(DateTimeOffset slot);

    /// <summary>The first slot after <paramref name="slot"/> that is later than <paramref name="now"/>.</summary>
    public abstract DateTimeOffset NextAfter(DateTimeOffset slot, DateTimeOffset now);

    private sealed class Interval(TimeSpan cadence) : JobSchedule
    {
        public override TimeSpan Cadence => cadence;

        public override DateTimeOffset Following(DateTimeOffset slot) => slot + cadence;

        public override DateTimeOffset NextAfter(DateTimeOffset slot, DateTimeOffset now)
        {
            var next = slot + cadence;
            return next > now ? next : slot + (((now - slot).Ticks / cadence.Ticks) + 1) * cadence;
        }
    }

    private sealed class Calendar(CronExpression expression, TimeZoneInfo zone, TimeSpan cadence) : JobSchedule
    {
        public override TimeSpan Cadence => cadence;

        public override DateTimeOffset Following(DateTimeOffset slot) => CalendarExpression.Following(expression, zone, slot);

        public override DateTimeOffset NextAfter(DateTimeOffset slot, DateTimeOffset now) => Following(slot > now ? slot : now);
    }
}
