namespace SyncKit.TestPostgres.LateCommits;

/// <summary>How a destination ended against the table: keys it lacks, keys it holds at another version, and the cost.</summary>
/// <param name="Missing">Keys of the table the destination does not hold.</param>
/// <param name="Stale">Keys the destination holds at a version other than the table's.</param>
/// <param name="RowsRead">Rows the job's runs read.</param>
/// <param name="RowsWritten">Versions the writers committed (each key's version counts its committed writes).</param>
public sealed record WorkloadVerdict(IReadOnlyList<long> Missing, IReadOnlyList<long> Stale, long RowsRead, long RowsWritten)
{
    /// <summary>Rows read per version committed.</summary>
    public double ReadPerWritten => RowsWritten == 0 ? 0 : RowsRead / (double)RowsWritten;

    /// <summary>Compares a destination's rows with the table's.</summary>
    public static WorkloadVerdict Of(IReadOnlyDictionary<long, Invoice> table, IReadOnlyDictionary<long, Invoice> destination, long rowsRead) => new(
        [.. table.Keys.Where(k => !destination.ContainsKey(k)).Order()],
        [.. table.Where(t => destination.TryGetValue(t.Key, out var held) && held.Version != t.Value.Version).Select(t => t.Key).Order()],
        rowsRead,
        table.Values.Sum(t => t.Version));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Missing.Count} missing, {Stale.Count} stale, {RowsRead:N0} rows read for {RowsWritten:N0} written ({ReadPerWritten:0.00} per row written)";
}
