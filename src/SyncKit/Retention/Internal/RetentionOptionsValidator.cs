using Microsoft.Extensions.Options;

namespace SyncKit.Retention.Internal;

/// <summary>Validates the ranges of <see cref="RetentionOptions"/> when the host starts.</summary>
[OptionsValidator]
internal sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    /// <summary>The message when <see cref="RetentionOptions.Audit"/> outlives <see cref="RetentionOptions.Runs"/>.</summary>
    internal const string AuditOutlivesRuns =
        "RetentionOptions.Audit is longer than RetentionOptions.Runs: a run's audit entries are deleted with the run, so audit cannot be kept longer.";

    /// <summary>Whether audit is kept no longer than its runs.</summary>
    internal static bool AuditWithinRuns(RetentionOptions options) =>
        options.Runs is not { } runs || options.Audit is { } audit && audit <= runs;
}
