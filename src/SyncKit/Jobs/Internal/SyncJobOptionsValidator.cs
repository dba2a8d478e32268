using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace SyncKit.Jobs.Internal;

/// <summary>
/// Validates <see cref="SyncJobOptions"/>, nested settings included: when the host starts, and at every entry that
/// runs a job, so a job built by hand is refused as clearly as a registered one instead of failing half-way.
/// </summary>
[OptionsValidator]
internal sealed partial class SyncJobOptionsValidator : IValidateOptions<SyncJobOptions>
{
    private static readonly IValidateOptions<SyncJobOptions>[] BuiltIn = [new SyncJobOptionsValidator()];

    // Validating costs tens of microseconds and kilobytes (DataAnnotations), too much for every run of every job.
    // Options are fixed once a job has run with them, as a host's are once built, so an instance is checked once.
    private static readonly ConditionalWeakTable<SyncJobOptions, object> Valid = new();
    private static readonly object Checked = new();

    /// <summary>
    /// Throws, naming the job and each invalid setting, unless a job's options are valid. An instance found valid
    /// is not checked again.
    /// </summary>
    /// <param name="job">The job.</param>
    /// <param name="options">Its options.</param>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    public static void ThrowIfInvalid(JobId job, SyncJobOptions options)
    {
        if (!Valid.TryGetValue(options, out _))
        {
            ThrowIfInvalid(job, options, BuiltIn);
            Valid.TryAdd(options, Checked);
        }
    }

    /// <summary>Throws, naming the job and each invalid setting, unless every validator finds a job's options valid.</summary>
    /// <param name="job">The job.</param>
    /// <param name="options">Its options.</param>
    /// <param name="validators">The validators to ask: the host's, which may add its own to this one.</param>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    public static void ThrowIfInvalid(JobId job, SyncJobOptions options, IEnumerable<IValidateOptions<SyncJobOptions>> validators)
    {
        // The options are named after the stream, as the host registers them.
        var failures = validators
            .Select(v => v.Validate(job.Stream, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [r.FailureMessage ?? "invalid"])
            .Select(failure => $"{job}: {failure}")
            .ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(job.ToString(), typeof(SyncJobOptions), failures);
        }
    }
}
