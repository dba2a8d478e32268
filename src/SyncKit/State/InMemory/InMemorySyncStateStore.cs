using System.Data.Common;
using SyncKit.Internal;

namespace SyncKit;

/// <summary>
/// A state store held in memory, for tests, trials and hosts that accept losing state on restart.
/// Transactions are atomic: their writes are buffered and applied together under one lock at commit.
/// Reads inside a transaction see committed state only.
/// </summary>
public sealed class InMemorySyncStateStore : ISyncStateStore
{
    private readonly InMemoryState _state;
    private readonly Action? _committed;
    private readonly InMemoryWriter _autoCommit;

    /// <summary>Creates an empty store.</summary>
    /// <param name="timeProvider">The clock for dedup holds; defaults to the system clock.</param>
    /// <param name="committed">
    /// Called under the store's lock after every commit (a transaction or a single write), for example to
    /// persist a snapshot; nothing else changes the store while it runs.
    /// </param>
    public InMemorySyncStateStore(TimeProvider? timeProvider = null, Action? committed = null)
    {
        _state = new InMemoryState(timeProvider ?? TimeProvider.System);
        _committed = committed;
        _autoCommit = new InMemoryWriter(_state, Apply);
        Checkpoints = _autoCommit;
        Dedup = _autoCommit;
        DeadLetters = _autoCommit;
        Runs = _autoCommit;
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
    public ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IStateTransaction>(new InMemoryStateTransaction(_state, Apply));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_autoCommit.ReadHealthInputs(jobs, windowStart));
    }

    private void Apply(IReadOnlyList<Action<InMemoryState>> writes)
    {
        lock (_state.Sync)
        {
            foreach (var write in writes)
            {
                write(_state);
            }

            _committed?.Invoke();
        }
    }
}

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
