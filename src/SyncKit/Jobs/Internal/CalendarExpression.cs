using System.Collections.Concurrent;
using Cronos;

namespace SyncKit.Jobs.Internal;

/// <summary>Parses and checks <see cref="SyncJobOptions.Schedule"/> and <see cref="SyncJobOptions.ScheduleTimeZone"/>.</summary>
internal static class CalendarExpression
{
    // The longest gap among this many coming occurrences is the cadence health measures lag against.
    private const int OccurrencesMeasured = 16;

    private static readonly ConcurrentDictionary<string, CronExpression> Parsed = new(StringComparer.Ordinal);

    // Health asks for every job's cadence on every check: a schedule's is measured once, not 17 occurrences a check.
    private static readonly ConcurrentDictionary<(string Expression, string Zone), TimeSpan> Cadences = new();

    /// <summary>Five fields (minute, hour, day of month, month, day of week), or six with seconds first.</summary>
    public static CronExpression Parse(string expression) =>
        Parsed.GetOrAdd(expression, static e => CronExpression.Parse(e, e.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard));

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    /// <summary>The occurrence after <paramref name="slot"/>, or <see cref="DateTimeOffset.MaxValue"/> when there is none.</summary>
    public static DateTimeOffset Following(CronExpression expression, TimeZoneInfo zone, DateTimeOffset slot) =>
        expression.GetNextOccurrence(slot, zone) ?? DateTimeOffset.MaxValue;

    /// <summary>
    /// The longest gap between the schedule's occurrences, measured over the ones after <paramref name="now"/> the first
    /// time a schedule and zone are asked for (a year when it occurs once or never).
    /// </summary>
    public static TimeSpan Cadence(string expression, string zoneId, DateTimeOffset now) =>
        Cadences.GetOrAdd((expression, zoneId), static (key, now) => Measure(Parse(key.Expression), Zone(key.Zone), now), now);

    private static TimeSpan Measure(CronExpression expression, TimeZoneInfo zone, DateTimeOffset now)
    {
        var gap = TimeSpan.Zero;
        var previous = Following(expression, zone, now);
        for (var i = 0; i < OccurrencesMeasured && previous != DateTimeOffset.MaxValue; i++)
        {
            var next = Following(expression, zone, previous);
            gap = next != DateTimeOffset.MaxValue && next - previous > gap ? next - previous : gap;
            previous = next;
        }

        return gap > TimeSpan.Zero ? gap : TimeSpan.FromDays(365);
    }

    /// <summary>What is wrong with a schedule, or <see langword="null"/> when it is usable.</summary>
    public static string? Problem(string expression)
    {
        try
        {
            return Parse(expression).GetNextOccurrence(DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc) is null
                ? $"the schedule '{expression}' never occurs"
                : null;
        }
        catch (CronFormatException ex)
        {
            return $"the schedule '{expression}' is not a cron expression of five fields (minute hour day-of-month month day-of-week) or six (seconds first): {ex.Message}";
        }
    }

    /// <summary>What is wrong with a time zone id, or <see langword="null"/> when this machine knows it.</summary>
    public static string? ZoneProblem(string id)
    {
        try
        {
            _ = Zone(id);
            return null;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return $"the time zone '{id}' is not known on this machine (use an IANA id such as 'Europe/Berlin', or 'UTC')";
        }
    }
}
