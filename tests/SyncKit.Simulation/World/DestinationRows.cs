namespace SyncKit.Simulation.World;

/// <summary>A row of the simulated destination: the highest version it applied, and whether that version deleted it.</summary>
internal readonly record struct Row(long Version, bool Deleted);

/// <summary>
/// Where the simulated destination keeps its rows: a remote system of its own (its writes are durable at once), or
/// tables in the state store's database written in the engine's transaction (they commit with the checkpoint).
/// </summary>
internal interface IDestinationRows
{
    /// <summary>Whether writes go through the state store's transaction.</summary>
    bool Enlisted { get; }

    /// <summary>Applies <paramref name="record"/> unless the destination holds its version or a newer one.</summary>
    /// <returns>Whether it was written (otherwise it was stale and skipped).</returns>
    ValueTask<bool> UpsertAsync(IStateTransaction? transaction, SimRecord record, CancellationToken cancellationToken);

    /// <summary>Makes the transaction fail the way a statement error aborts a database transaction, if the store can.</summary>
    /// <returns>Whether the transaction is now aborted.</returns>
    ValueTask<bool> AbortAsync(IStateTransaction transaction, CancellationToken cancellationToken);

    /// <summary>The committed rows.</summary>
    ValueTask<IReadOnlyDictionary<string, Row>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>A destination that is its own system: each write is durable at once, whatever becomes of the sync.</summary>
internal sealed class RemoteRows : IDestinationRows
{
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);

    public bool Enlisted => false;

    public ValueTask<bool> UpsertAsync(IStateTransaction? transaction, SimRecord record, CancellationToken cancellationToken)
    {
        if (_rows.TryGetValue(record.Key, out var row) && row.Version >= record.Version)
        {
            return ValueTask.FromResult(false);
        }

        _rows[record.Key] = new Row(record.Version, record.Deleted);
        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> AbortAsync(IStateTransaction transaction, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask<IReadOnlyDictionary<string, Row>> ReadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, Row>>(new Dictionary<string, Row>(_rows, StringComparer.Ordinal));
}

/// <summary>Rows kept by the in-memory store's transactions: applied when the transaction commits, with the checkpoint.</summary>
internal sealed class InMemoryEnlistedRows : IDestinationRows
{
    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<InMemoryStateTransaction, Dictionary<string, Row>> _pending = [];

    public bool Enlisted => true;

    public ValueTask<bool> UpsertAsync(IStateTransaction? transaction, SimRecord record, CancellationToken cancellationToken)
    {
        var inner = (InMemoryStateTransaction)SimTransaction.Unwrap(transaction!);
        var pending = _pending.GetValue(inner, _ => new Dictionary<string, Row>(StringComparer.Ordinal));
        var held = pending.TryGetValue(record.Key, out var mine) ? mine : _rows.GetValueOrDefault(record.Key);
        if (held.Version >= record.Version)
        {
            return ValueTask.FromResult(false);
        }

        var row = new Row(record.Version, record.Deleted);
        pending[record.Key] = row;
        inner.OnCommit(() =>
        {
            if (_rows.GetValueOrDefault(record.Key).Version < row.Version)
            {
                _rows[record.Key] = row;
            }
        });
        return ValueTask.FromResult(true);
    }

    public ValueTask<bool> AbortAsync(IStateTransaction transaction, CancellationToken cancellationToken) => ValueTask.FromResult(false);

    public ValueTask<IReadOnlyDictionary<string, Row>> ReadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, Row>>(new Dictionary<string, Row>(_rows, StringComparer.Ordinal));
}
