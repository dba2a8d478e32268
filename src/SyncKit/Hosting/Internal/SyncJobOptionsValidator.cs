using Microsoft.Extensions.Options;

namespace SyncKit.Hosting.Internal;

/// <summary>Validates <see cref="SyncJobOptions"/> (nested settings included) when the host starts.</summary>
[OptionsValidator]
internal sealed partial class SyncJobOptionsValidator : IValidateOptions<SyncJobOptions>
{
}

/// <summary>Validates <see cref="SyncSchedulerOptions"/> when the host starts.</summary>
[OptionsValidator]
internal sealed partial class SyncSchedulerOptionsValidator : IValidateOptions<SyncSchedulerOptions>
{
}
