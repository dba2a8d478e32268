using System.ComponentModel.DataAnnotations;

namespace SyncKit.Jobs.Internal;

/// <summary>Checks a text setting, when set, and names the setting in what it reports.</summary>
internal abstract class StringSettingAttribute : ValidationAttribute
{
    /// <summary>What is wrong with <paramref name="value"/>, or <see langword="null"/> when it is usable.</summary>
    protected abstract string? Problem(string value);

    protected sealed override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is string text && Problem(text) is { } problem
            ? new ValidationResult($"{validationContext.MemberName}: {problem}.", [validationContext.MemberName!])
            : ValidationResult.Success;
}
