namespace SyncKit.Samples.Vomo.Cli;

/// <summary>The process exit codes of the sample README (its contract's 0, 2, 3, 4, and 5 beyond it). With several tenants the highest one that occurred wins.</summary>
internal static class ExitCodes
{
    /// <summary>Done; dead-lettered records are reported, not fatal.</summary>
    public const int Done = 0;

    /// <summary>Bad arguments or configuration.</summary>
    public const int BadArguments = 2;

    /// <summary>A tenant stopped on 401/403.</summary>
    public const int AccessDenied = 3;

    /// <summary>The source stayed unavailable (circuit open) after retries.</summary>
    public const int SourceUnavailable = 4;

    /// <summary>The database (state store and CRM tables) is damaged, full or read-only: no retry can mend it.</summary>
    public const int StoreFailed = 5;

    /// <summary>The exit code runs call for: the highest of theirs.</summary>
    public static int Of(IEnumerable<RunRecord> runs) => runs.Select(run => run.Outcome switch
    {
        RunOutcome.Stopped when run.ErrorsByClass.Keys.Any(c => c.StopsJob()) => AccessDenied,

        // Only a store failure stops a job with a permanent error: any other dead-letters its record.
        RunOutcome.Stopped when run.ErrorsByClass.ContainsKey(ErrorClass.Permanent) => StoreFailed,
        RunOutcome.Failed => SourceUnavailable,
        _ => Done,
    }).DefaultIfEmpty(Done).Max();
}

/// <summary>Bad arguments or configuration: the message names what is wrong and the process exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
