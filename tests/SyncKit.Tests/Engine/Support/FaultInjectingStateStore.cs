namespace SyncKit.Tests.Engine.Support;

/// <summary>
/// An <see cref="InMemorySyncStateStore"/> whose next transaction can be made to fail to begin, or to fail at
/// commit, atomically: the transaction handed out is the store's own (so an in-memory destination still enlists
/// in it), with a failing write enlisted first, so its commit throws before anything of it applies.
/// </summary>
public sealed class FaultInjectingStateStore(InMemorySyncStateStore store) : ISyncStateStore
{
    private Exception? _beginFault;
    private Exception? _commitFault;
    private int _transactions;

    public ICheckpointStore Checkpoints => store.Checkpoints;

    public IDedupStore Dedup => store.Dedup;

    public IDeadLetterStore DeadLetters => store.DeadLetters;

    public IRunHistoryStore Runs => store.Runs;

    /// <summary>How many transactions were begun.</summary>
    public int Transactions => Volatile.Read(ref _transactions);

    /// <summary>Makes the next attempt to begin a transaction throw <paramref name="fault"/>, once.</summary>
    public void FailNextBegin(Exception fault) => Volatile.Write(ref _beginFault, fault);

    /// <summary>Makes the commit of the next transaction begun throw <paramref name="fault"/>, once.</summary>
    public void FailNextCommit(Exception fault) => Volatile.Write(ref _commitFault, fault);

    public async ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _beginFault, null) is { } beginFault)
        {
            throw beginFault;
        }

        var transaction = (InMemoryStateTransaction)await store.BeginTransactionAsync(job, cancellationToken);
        Interlocked.Increment(ref _transactions);
        if (Interlocked.Exchange(ref _commitFault, null) is { } fault)
        {
            transaction.OnCommit(() => throw fault);
        }

        return transaction;
    }
}
