namespace SyncKit;

/// <summary>A key the destination holds and the version it holds.</summary>
/// <param name="Key">The record's external key.</param>
/// <param name="Version">The version held.</param>
public readonly record struct DestinationKey(string Key, string Version);
