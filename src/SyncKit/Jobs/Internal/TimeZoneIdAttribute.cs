using System.ComponentModel.DataAnnotations;

namespace SyncKit.Jobs.Internal;

/// <summary>Checks that <see cref="SyncJobOptions.ScheduleTimeZone"/> names a time zone this machine knows.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeZoneIdAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string id && CalendarExpression.ZoneProblem(id) is { } problem
            ? new ValidationResult($"{validationContext.MemberName}: {problem}.", [validationContext.MemberName!])
            : ValidationResult.Success;
}
