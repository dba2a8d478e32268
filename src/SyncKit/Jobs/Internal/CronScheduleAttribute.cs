using System.ComponentModel.DataAnnotations;

namespace SyncKit.Jobs.Internal;

/// <summary>Checks that <see cref="SyncJobOptions.Schedule"/>, when set, is a cron expression that occurs.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class CronScheduleAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string expression && CalendarExpression.Problem(expression) is { } problem
            ? new ValidationResult($"{validationContext.MemberName}: {problem}.", [validationContext.MemberName!])
            : ValidationResult.Success;
}
