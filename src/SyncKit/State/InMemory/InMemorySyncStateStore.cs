using System.Data.Common;
using SyncKit.State.InMemory.Internal;

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
