using System.Collections.Concurrent;
using Cronos;

namespace SyncKit.Jobs.Internal;

/// <summary>Parses and checks <see cref="SyncJobOptions.Schedule"/> and <see cref="SyncJobOptions.ScheduleTimeZone"/>.</summary>
internal static class CalendarExpression
{
    private static readonly ConcurrentDictionary<string, CronExpression> Parsed = new(StringComparer.Ordinal);

    /// <summary>Five fields (minute, hour, day of month, month, day of week), or six with seconds first.</summary>
    public static CronExpression Parse(string expression) =>
        Parsed.GetOrAdd(expression, static e => CronExpression.Parse(e, e.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard));

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

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
