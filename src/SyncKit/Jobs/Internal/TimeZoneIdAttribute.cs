namespace SyncKit.Jobs.Internal;

/// <summary>Checks that <see cref="SyncJobOptions.ScheduleTimeZone"/> names a time zone this machine knows.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeZoneIdAttribute : StringSettingAttribute
{
    protected override string? Problem(string value) => CalendarExpression.ZoneProblem(value);
}
