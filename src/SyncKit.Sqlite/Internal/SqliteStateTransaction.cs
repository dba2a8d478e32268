using System.Data.Common;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// A state transaction on one connection. The SQLite transaction (<c>BEGIN IMMEDIATE</c>, which takes the
/// write lock) starts at the first write or when a destination asks for <see cref="DbTransaction"/>, so
/// reservations made before that commit at once as holds, and readers are never blocked. Used by one flow
/// at a time, like a <see cref="DbTransaction"/>.
/// </summary>
/// <remarks>
/// The process's write gate is taken once per transaction: at the first write, or earlier by
/// <see cref="PrepareDbTransactionAsync"/>, which the engine awaits before a destination writes in the transaction, so
/// reading <see cref="DbTransaction"/> never blocks a thread. Holds reserved while the gate is held and nothing is
/// written yet still commit at once, on this connection.
/// </remarks>
internal sealed class SqliteStateTransaction : IStateTransaction, ISqliteSession
{
    private readonly SqliteDatabase _database;
    private readonly StoreConnection _connection;
    private readonly Action<StoreConnection> _claim;
    private bool _gateHeld;
    private bool _writing;
    private bool _completed;
    private bool _disposed;

    /// <param name="database">The database.</param>
    /// <param name="connection">The connection the transaction runs on.</param>
    /// <param name="claim">Claims the job for this store within each write transaction, as it begins; throws when another store holds it.</param>
    public SqliteStateTransaction(SqliteDatabase database, StoreConnection connection, Action<StoreConnection> claim)
    {
        _database = database;
        _connection = connection;
        _claim = claim;
        var writer = new SqliteStateWriter(this);
        Checkpoints = writer;
        Dedup = writer;
        DeadLetters = writer;
        Runs = writer;
    }

    public ICheckpointStore Checkpoints { get; }

    public IDedupStore Dedup { get; }

    public IDeadLetterStore DeadLetters { get; }

    public IRunHistoryStore Runs { get; }

    /// <remarks>
    /// Without <see cref="PrepareDbTransactionAsync"/> first (the engine awaits it), reading this waits for the process's
    /// write gate on the calling thread.
    /// </remarks>
    public DbTransaction DbTransaction
    {
        get
        {
            ThrowIfCompleted();
            if (!_writing)
            {
                if (!_gateHeld)
                {
                    _database.EnterWrite();
                    _gateHeld = true;
                }

                Begin();
            }

            return _connection.Transaction!;
        }
    }

    public TimeProvider Time => _database.Time;

    public bool WritersWaiting => _database.WritersWaiting;

    public ValueTask CheckpointAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask PrepareDbTransactionAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        await EnterGateAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(StoreFailures.Run(_connection, state, read));
    }

    public async ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        if (!_writing)
        {
            await EnterGateAsync(cancellationToken).ConfigureAwait(false);
            StoreFailures.Run(_connection, this, static (_, transaction) =>
            {
                transaction.Begin();
                return 0;
            });
        }

        return StoreFailures.Run(_connection, state, write);
    }

    public ValueTask<TResult> HoldAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writing ? WriteAsync(state, write, cancellationToken)
            : _gateHeld ? ValueTask.FromResult(SqliteDatabase.CommitNowHoldingGate(_connection, state, write))
            : _database.CommitNowAsync(_connection, state, write, cancellationToken);
    }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        _completed = true;
        try
        {
            if (_writing)
            {
                _writing = false;
                StoreFailures.Commit(_connection);
            }
        }
        finally
        {
            ExitGate();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        _completed = true;
        try
        {
            if (_writing)
            {
                _writing = false;
                _connection.Rollback();
            }
        }
        finally
        {
            ExitGate();
        }

        _database.Return(_connection);
        return ValueTask.CompletedTask;
    }

    private async ValueTask EnterGateAsync(CancellationToken cancellationToken)
    {
        if (!_gateHeld)
        {
            await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            _gateHeld = true;
        }
    }

    private void ExitGate()
    {
        if (_gateHeld)
        {
            _gateHeld = false;
            _database.ExitWrite();
        }
    }

    /// <summary>Called holding the write gate; a failed start (the job held by another store included) gives the gate back.</summary>
    private void Begin()
    {
        try
        {
            _connection.Begin();
            _claim(_connection);
            _writing = true;
        }
        catch
        {
            _connection.Rollback();
            ExitGate();
            throw;
        }
    }

    private void ThrowIfCompleted()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The state transaction was already committed.");
        }
    }
}
