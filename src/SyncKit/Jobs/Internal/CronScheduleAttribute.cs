namespace SyncKit.Jobs.Internal;

/// <summary>Checks that <see cref="SyncJobOptions.Schedule"/>, when set, is a cron expression that occurs.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class CronScheduleAttribute : StringSettingAttribute
{
    protected override string? Problem(string value) => CalendarExpression.Problem(value);
}
