namespace SyncKit;

/// <summary>The answer to reserving one key.</summary>
/// <param name="Key">The key.</param>
/// <param name="Status">Whether the caller may perform the effect.</param>
public readonly record struct DedupReservation(string Key, DedupStatus Status)
{
    /// <summary>Whether the caller now holds the key and should perform the effect.</summary>
    public bool IsHeld => Status is DedupStatus.Acquired or DedupStatus.Reacquired;
}
