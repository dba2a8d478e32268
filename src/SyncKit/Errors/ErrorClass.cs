namespace SyncKit;

/// <summary>What kind of failure happened; it decides how the engine reacts.</summary>
public enum ErrorClass
{
    /// <summary>A passing fault (timeout, 5xx, dropped connection): retried with backoff.</summary>
    Transient,

    /// <summary>The other side asked to slow down: retried after its <c>Retry-After</c>.</summary>
    RateLimited,

    /// <summary>Credentials are missing or rejected: the job stops and surfaces it.</summary>
    Authentication,

    /// <summary>Credentials are valid but not allowed: the job stops and surfaces it.</summary>
    Authorization,

    /// <summary>The target does not exist: dead-lettered.</summary>
    NotFound,

    /// <summary>The record is malformed or rejected by validation: dead-lettered without retry.</summary>
    Validation,

    /// <summary>The write conflicts with the target's state: dead-lettered.</summary>
    Conflict,

    /// <summary>Anything that will not succeed by retrying: dead-lettered.</summary>
    Permanent,
}

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
