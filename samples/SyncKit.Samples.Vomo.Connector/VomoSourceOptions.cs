using System.ComponentModel.DataAnnotations;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>How the VOMO sources read windows of live offset pages.</summary>
public sealed class VomoSourceOptions
{
    /// <summary>
    /// The longest a change may take to show in VOMO's lists (its replica lag, undocumented). Each window opens
    /// at least this far before its anchor, and only changes older than the window's newest timestamp by this much
    /// count as settled when deciding whether a re-read pass found something new.
    /// </summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReplicaLag { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most complete passes over one window. A pass can skip a row when rows before it move or vanish while
    /// the run pages; the window is re-read until a pass finds no settled change that earlier passes missed. A first
    /// pass that shows the list held still while it read (one extra request) needs no second.
    /// </summary>
    /// <value>Default 5.</value>
    [Range(1, 100)]
    public int MaxPasses { get; init; } = 5;

    /// <summary>
    /// How many pages after the one being handed on are kept in flight, so the next pages arrive while the engine
    /// writes this one; 0 reads strictly one page after another. A page read ahead that fails is read again when
    /// its turn comes, so errors and <c>Retry-After</c> still reach the engine's retries. Pages read ahead keep to the
    /// token's request budget like every request of the <see cref="VomoClient"/>, and wait out a <c>Retry-After</c>
    /// the server sent for any of them.
    /// </summary>
    /// <value>Default 4.</value>
    [Range(0, 16)]
    public int ReadAheadPages { get; init; } = 4;
}
