namespace SyncKit;

/// <summary>A row the destination holds, as a record.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Key">The record's external key.</param>
/// <param name="Version">The version held.</param>
/// <param name="Value">The row, mapped back to the record type so its fields can be compared with the source's.</param>
public sealed record DestinationRow<T>(string Key, string Version, T Value);
