namespace SyncKit;

/// <summary>One change read from a source.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Key">The record's external key. Changes to one key are applied in read order.</param>
/// <param name="Position">The record's position; the checkpoint moves to it once the record is durably handled.</param>
/// <param name="Value">The record.</param>
public readonly record struct SourceRecord<T>(string Key, Cursor Position, T Value);
