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
