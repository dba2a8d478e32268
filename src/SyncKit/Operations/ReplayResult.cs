using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>What a replay found.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Run">The replay's run record (kind <see cref="RunKind.Replay"/>), which is not stored.</param>
/// <param name="Operations">The operations that would run, in position order.</param>
public sealed record ReplayResult<T>(RunRecord Run, IReadOnlyList<ReplayOperation<T>> Operations);
