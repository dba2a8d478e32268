namespace SyncKit.Simulation.World;

/// <summary>One version of one row of the simulated source, as the engine reads it.</summary>
/// <param name="Key">The row's key.</param>
/// <param name="Version">Counts the row's changes from 1; a destination keeps the highest it has seen.</param>
/// <param name="Deleted">A soft delete (a tombstone the destination applies).</param>
/// <param name="Sequence">The change's number in the whole source, unique per version.</param>
/// <param name="Poison">Whether the destination rejects it as invalid until the world heals (its schema is fixed).</param>
internal sealed record SimRecord(string Key, long Version, bool Deleted, long Sequence, bool Poison);
