namespace SyncKit.Destinations.Internal;

/// <summary>Checks what a destination answered before anything is done with it.</summary>
internal static class DestinationOutcomes
{
    /// <summary>
    /// Throws unless <paramref name="outcomes"/> holds one outcome per record written: matched by index, a
    /// short or long list would settle records the destination never answered for.
    /// </summary>
    /// <exception cref="InvalidOperationException">The counts differ.</exception>
    public static void ThrowIfNotOnePerRecord(JobId job, IReadOnlyList<RecordOutcome> outcomes, int records)
    {
        if (outcomes.Count != records)
        {
            throw new InvalidOperationException(
                $"The destination of {job} returned {outcomes.Count} outcomes for a batch of {records} records; it must return one per record.");
        }
    }
}
