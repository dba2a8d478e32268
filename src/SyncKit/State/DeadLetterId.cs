namespace SyncKit;

/// <summary>One dead letter as its reader saw it: the record's key and the position it failed at.</summary>
/// <param name="RecordKey">The record's key.</param>
/// <param name="Position">The position of the failed version.</param>
public sealed record DeadLetterId(string RecordKey, Cursor Position)
{
    /// <summary>The identity of an entry.</summary>
    /// <param name="entry">The entry.</param>
    /// <returns>Its record key and position.</returns>
    public static DeadLetterId Of(DeadLetter entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new DeadLetterId(entry.RecordKey, entry.Position);
    }
}
