namespace SyncKit;

/// <summary>How the engine treats each <see cref="ErrorClass"/>.</summary>
public static class ErrorClassExtensions
{
    /// <summary>Whether retrying the same call may succeed.</summary>
    /// <param name="errorClass">The class.</param>
    /// <returns><see langword="true"/> for transient and rate-limited failures.</returns>
    public static bool IsRetryable(this ErrorClass errorClass) =>
        errorClass is ErrorClass.Transient or ErrorClass.RateLimited;

    /// <summary>Whether the failure stops the job until an operator acts.</summary>
    /// <param name="errorClass">The class.</param>
    /// <returns><see langword="true"/> for authentication and authorization failures.</returns>
    public static bool StopsJob(this ErrorClass errorClass) =>
        errorClass is ErrorClass.Authentication or ErrorClass.Authorization;
}
