using System.Text.Json;

namespace SyncKit;

/// <summary>A record whose fields differ between source and destination at the same version.</summary>
/// <param name="Key">The record's key.</param>
/// <param name="Fields">The differing fields.</param>
public sealed record FieldDrift(string Key, IReadOnlyList<string> Fields);
