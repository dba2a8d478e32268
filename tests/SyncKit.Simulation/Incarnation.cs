using SyncKit.Simulation.World;

namespace SyncKit.Simulation;

/// <summary>
/// One life of the syncing process: its engine, its store connections and the calls it has in flight. A crash ends
/// it: its parked calls are never released, its open transactions are rolled back as a dying process's would be, and
/// the next life starts from what the store made durable.
/// </summary>
internal sealed class Incarnation(int number)
{
    private readonly List<IStateTransaction> _open = [];

    /// <summary>A task that never completes: what a dead process waits for.</summary>
    public static Task Never { get; } = new TaskCompletionSource().Task;

    public int Number { get; } = number;

    public bool Alive { get; private set; } = true;

    /// <summary>The sync run in progress, whose pages the source attributes to it.</summary>
    public SyncRunProbe? CurrentSync { get; set; }

    /// <summary>Side effects this life performed and has not seen completed in the store.</summary>
    public HashSet<string> UncompletedEffects { get; } = new(StringComparer.Ordinal);

    public void Opened(IStateTransaction transaction) => _open.Add(transaction);

    public void Closed(IStateTransaction transaction) => _open.Remove(transaction);

    /// <summary>Ends this life: nothing it started goes on, and what it held in the store is let go uncommitted.</summary>
    public async Task DieAsync()
    {
        Alive = false;
        foreach (var transaction in _open.ToList())
        {
            await transaction.DisposeAsync();
        }

        _open.Clear();
    }

    public override string ToString() => $"life {Number}";
}

/// <summary>What the world saw of one sync run: the furthest position its pages reached.</summary>
internal sealed class SyncRunProbe
{
    public Cursor? FurthestRead { get; private set; }

    /// <summary>How many pages the run read.</summary>
    public int Pages { get; set; }

    public void Saw(Cursor position)
    {
        if (FurthestRead is null || position.CompareTo(FurthestRead) > 0)
        {
            FurthestRead = position;
        }
    }
}
