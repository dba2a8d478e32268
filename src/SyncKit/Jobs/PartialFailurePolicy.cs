using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>What the engine does with a record that fails for good.</summary>
public enum PartialFailurePolicy
{
    /// <summary>Dead-letter it with its payload and continue; the checkpoint moves past it.</summary>
    DeadLetterAndContinue,

    /// <summary>Stop the run at the first such record; the checkpoint stays before it.</summary>
    StopAtFirstFailure,
}
