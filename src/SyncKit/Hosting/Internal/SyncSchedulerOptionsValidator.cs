using Microsoft.Extensions.Options;

namespace SyncKit.Hosting.Internal;

/// <summary>Validates <see cref="SyncSchedulerOptions"/> when the host starts.</summary>
[OptionsValidator]
internal sealed partial class SyncSchedulerOptionsValidator : IValidateOptions<SyncSchedulerOptions>
{
}
