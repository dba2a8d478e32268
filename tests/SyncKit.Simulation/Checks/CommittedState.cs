using SyncKit.Simulation.World;

namespace SyncKit.Simulation.Checks;

/// <summary>What the store and the destination hold durably for a job, read outside every life of the process.</summary>
internal sealed record CommittedState(Cursor? Checkpoint, IReadOnlyDictionary<string, DeadLetter> DeadLetters, IReadOnlyDictionary<string, Row> Rows)
{
    public static async Task<CommittedState> ReadAsync(StoreHost host, JobId job)
    {
        var store = host.Committed;
        var checkpoint = await store.Checkpoints.GetAsync(job, CancellationToken.None);
        var deadLetters = await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(job) with { Limit = int.MaxValue }, CancellationToken.None);
        var rows = await host.Rows.ReadAsync(CancellationToken.None);
        return new CommittedState(checkpoint, deadLetters.ToDictionary(d => d.RecordKey, StringComparer.Ordinal), rows);
    }

    /// <summary>Whether the destination holds this version or a newer one.</summary>
    public bool Applied(SourceVersion version) =>
        Rows.TryGetValue(version.Key, out var row) && row.Version >= version.Record.Version;

    /// <summary>Whether the version's effect is durable: applied (or overtaken), or dead-lettered at its position or later.</summary>
    public bool Covers(SourceVersion version) =>
        Applied(version) || (DeadLetters.TryGetValue(version.Key, out var entry) && entry.Position.CompareTo(version.Position) >= 0);

    public string Describe(string key)
    {
        var row = Rows.TryGetValue(key, out var held) ? $"v{held.Version}{(held.Deleted ? " deleted" : string.Empty)}" : "nothing";
        var entry = DeadLetters.TryGetValue(key, out var dead) ? $"a dead letter at {dead.Position} ({dead.Status}, {dead.Attempts} attempts)" : "no dead letter";
        return $"the destination holds {row}, the queue {entry}, the checkpoint is {Checkpoint?.ToString() ?? "none"}";
    }
}
