using System.Data.Common;
using SyncKit.State.InMemory.Internal;

namespace SyncKit;

/// <summary>
/// A transaction of the <see cref="InMemorySyncStateStore"/>. An in-memory destination enlists its own
/// writes with <see cref="OnCommit"/> so they apply atomically with the checkpoint.
/// </summary>
public sealed class InMemoryStateTransaction : IStateTransaction
{
    private readonly List<Action<InMemoryState>> _writes = [];
    private readonly Action<IReadOnlyList<Action<InMemoryState>>> _apply;
    private bool _completed;

    internal InMemoryStateTransaction(InMemoryState state, Action<IReadOnlyList<Action<InMemoryState>>> apply)
    {
        _apply = apply;
        var writer = new InMemoryWriter(state, writes => _writes.AddRange(writes));
        Checkpoints = writer;
        Dedup = writer;
        DeadLetters = writer;
        Runs = writer;
    }

    /// <inheritdoc />
    public ICheckpointStore Checkpoints { get; }

    /// <inheritdoc />
    public IDedupStore Dedup { get; }

    /// <inheritdoc />
    public IDeadLetterStore DeadLetters { get; }

    /// <inheritdoc />
    public IRunHistoryStore Runs { get; }

    /// <inheritdoc />
    public DbTransaction? DbTransaction => null;

    /// <summary>Adds a write that runs, under the store's lock, only if and when this transaction commits.</summary>
    /// <param name="write">The write.</param>
    public void OnCommit(Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ThrowIfCompleted();
        _writes.Add(_ => write());
    }

    /// <inheritdoc />
    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfCompleted();
        _completed = true;
        _apply(_writes);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _completed = true;
        _writes.Clear();
        return ValueTask.CompletedTask;
    }

    private void ThrowIfCompleted() =>
        ObjectDisposedException.ThrowIf(_completed, this);
}
