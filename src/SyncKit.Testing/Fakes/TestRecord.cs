namespace SyncKit.Testing;

/// <summary>A simple record for tests: a key, a change time and a version payload.</summary>
/// <param name="Id">The record's key.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Version">A version that increases with each change of the same key.</param>
/// <param name="Payload">Arbitrary content.</param>
public sealed record TestRecord(string Id, DateTimeOffset UpdatedAt, long Version = 1, string? Payload = null)
{
    /// <summary>The record as the engine sees it: key = id, position = (updated_at, id).</summary>
    /// <returns>The source record.</returns>
    public SourceRecord<TestRecord> ToSourceRecord() => new(Id, Cursor.At(UpdatedAt, Id), this);
}
