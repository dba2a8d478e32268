namespace SyncKit;

/// <summary>
/// The job's lease is no longer held by this instance (it expired and another instance was granted it, or
/// it was released), so nothing may be committed for the job under the old fencing token. The engine
/// stops the run without committing; the new owner continues from the last committed checkpoint.
/// </summary>
public sealed class LeaseLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="job">The job whose lease was lost.</param>
    /// <param name="fencingToken">The token this instance held.</param>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public LeaseLostException(JobId job, long fencingToken, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Job = job;
        FencingToken = fencingToken;
    }

    /// <summary>The job whose lease was lost.</summary>
    public JobId Job { get; }

    /// <summary>The fencing token this instance held.</summary>
    public long FencingToken { get; }
}
