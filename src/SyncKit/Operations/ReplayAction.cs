using Microsoft.Extensions.Options;

namespace SyncKit;

/// <summary>What a replayed record would do at the destination.</summary>
public enum ReplayAction
{
    /// <summary>The record would be handed to the destination to write (which may still skip it as stale).</summary>
    Write,

    /// <summary>The destination already holds this version; the write would be skipped.</summary>
    Unchanged,
}
