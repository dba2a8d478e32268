namespace SyncKit.Testing;

/// <summary>
/// A conformance kit's case failed: the implementation under test does not keep a behaviour SyncKit relies on. The
/// message names the kit, the case, what was checked, and what was expected against what was found. Any test framework
/// reports it as a failure; the kits depend on none.
/// </summary>
public sealed class ConformanceException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public ConformanceException()
        : base("A conformance check failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was checked, what was expected and what was found.</param>
    public ConformanceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for a failure that <paramref name="innerException"/> caused.</summary>
    /// <param name="message">What was checked, what was expected and what was found.</param>
    /// <param name="innerException">The check's own failure, or what the implementation under test threw.</param>
    public ConformanceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
