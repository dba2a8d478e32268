using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>One operation a replay would run.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Action">What would happen.</param>
/// <param name="Record">The record.</param>
public sealed record ReplayOperation<T>(ReplayAction Action, SourceRecord<T> Record);
