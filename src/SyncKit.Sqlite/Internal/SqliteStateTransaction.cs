using System.Data.Common;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// A state transaction on one connection. The SQLite transaction (<c>BEGIN IMMEDIATE</c>, which takes the
/// write lock) starts at the first write or when a destination asks for <see cref="DbTransaction"/>, so
/// reservations made before that commit at once as holds, and readers are never blocked. Used by one flow
/// at a time, like a <see cref="DbTransaction"/>.
/// </summary>
internal sealed class SqliteStateTransaction : IStateTransaction, ISqliteSession
{
    private readonly SqliteDatabase _database;
    private readonly StoreConnection _connection;
    private bool _writing;
    private bool _completed;
    private bool _disposed;

    public SqliteStateTransaction(SqliteDatabase database, StoreConnection connection)
    {
        _database = database;
        _connection = connection;
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

    public DbTransaction DbTransaction
    {
        get
        {
            ThrowIfCompleted();
            if (!_writing)
            {
                _database.EnterWrite();
                Begin();
            }

            return _connection.Transaction!;
        }
    }

    public TimeProvider Time => _database.Time;

    public ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> read, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(read(_connection, state));
    }

    public async ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        if (!_writing)
        {
            await _database.EnterWriteAsync(cancellationToken).ConfigureAwait(false);
            Begin();
        }

        return write(_connection, state);
    }

    public ValueTask<TResult> HoldAsync<TState, TResult>(TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writing ? WriteAsync(state, write, cancellationToken) : _database.CommitNowAsync(_connection, state, write, cancellationToken);
    }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        _completed = true;
        if (_writing)
        {
            _writing = false;
            try
            {
                _connection.Commit();
            }
            finally
            {
                _database.ExitWrite();
            }
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
        if (_writing)
        {
            _writing = false;
            try
            {
                _connection.Rollback();
            }
            finally
            {
                _database.ExitWrite();
            }
        }

        _database.Return(_connection);
        return ValueTask.CompletedTask;
    }

    /// <summary>Called holding the write gate.</summary>
    private void Begin()
    {
        try
        {
            _connection.Begin();
            _writing = true;
        }
        catch
        {
            _database.ExitWrite();
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
