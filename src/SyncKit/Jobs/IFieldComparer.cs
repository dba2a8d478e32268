namespace SyncKit;

/// <summary>Compares a record at the source with the destination's row of it, field by field (drift detection).</summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IFieldComparer<in T>
{
    /// <summary>Lists the fields whose values differ.</summary>
    /// <param name="source">The record as the source has it.</param>
    /// <param name="destination">The record as the destination holds it.</param>
    /// <returns>The differing fields' names; empty when the two agree.</returns>
    IReadOnlyList<string> Compare(T source, T destination);
}
