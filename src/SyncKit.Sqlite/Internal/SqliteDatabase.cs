using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SyncKit.Sqlite.Internal;

/// <summary>
/// The database file: checks and migrates it once, pools configured connections, and serialises this
/// process's writers with an async gate (SQLite has one writer at a time; waiting on the gate costs no
/// polling, while the busy timeout covers other processes).
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private const int MaxIdleConnections = 8;

    private readonly string _connectionString;
    private readonly SqliteStateStoreOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentBag<StoreConnection> _idle = [];
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _waitingWriters;
    private readonly SemaphoreSlim _initializeGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _disposed;

    public SqliteDatabase(SqliteStateStoreOptions options, TimeProvider timeProvider, ILogger logger, string baseDirectory)
    {
        _options = options;
        _logger = logger;
        Time = timeProvider;
        var builder = ParseConnectionString(options.ConnectionString);
        Path = System.IO.Path.GetFullPath(builder.DataSource, baseDirectory);
        builder.DataSource = Path;
        builder.Pooling = false;
        builder.DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _connectionString = builder.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    public TimeProvider Time { get; }

    /// <summary>Opens the file, refuses what is not a writable SyncKit database of a known schema, and migrates it.</summary>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initializeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                var connection = await Task.Run(() => OpenAndMigrate(cancellationToken), cancellationToken).ConfigureAwait(false);
                _idle.Add(connection);
                _initialized = true;
            }
        }
        finally
        {
            _initializeGate.Release();
        }
    }

    /// <summary>Takes a configured connection from the pool, opening one when none is idle.</summary>
    public async ValueTask<StoreConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return _idle.TryTake(out var connection) ? connection : Open();
    }

    public void Return(StoreConnection connection)
    {
        if (_disposed || connection.Transaction is not null || _idle.Count >= MaxIdleConnections)
        {
            connection.Dispose();
            return;
        }

        _idle.Add(connection);
    }

    /// <summary>
    /// Whether a writer of this process waits for the write gate. Asked by the gate's holder, so every writer counted
    /// (from entering to getting the gate) is one that waits for it.
    /// </summary>
    public bool WritersWaiting => Volatile.Read(ref _waitingWriters) > 0;

    /// <summary>Waits for this process's write gate, at most the busy timeout.</summary>
    public async ValueTask EnterWriteAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waitingWriters);
        try
        {
            if (!await _writeGate.WaitAsync(_options.BusyTimeout, cancellationToken).ConfigureAwait(false))
            {
                throw WriteGateTimeout();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waitingWriters);
        }
    }

    /// <inheritdoc cref="EnterWriteAsync"/>
    public void EnterWrite()
    {
        Interlocked.Increment(ref _waitingWriters);
        try
        {
            if (!_writeGate.Wait(_options.BusyTimeout))
            {
                throw WriteGateTimeout();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waitingWriters);
        }
    }

    public void ExitWrite() => _writeGate.Release();

    /// <summary>Runs <paramref name="write"/> on <paramref name="connection"/> in its own write transaction and commits it.</summary>
    public async ValueTask<TResult> CommitNowAsync<TState, TResult>(
        StoreConnection connection, TState state, Func<StoreConnection, TState, TResult> write, CancellationToken cancellationToken)
    {
        await EnterWriteAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return CommitNowHoldingGate(connection, state, write);
        }
        finally
        {
            ExitWrite();
        }
    }

    /// <summary>As <see cref="CommitNowAsync"/>, for a caller that already holds the write gate.</summary>
    public static TResult CommitNowHoldingGate<TState, TResult>(StoreConnection connection, TState state, Func<StoreConnection, TState, TResult> write)
    {
        StoreFailures.Run(connection, 0, static (connection, _) => connection.Begin());
        try
        {
            var result = StoreFailures.Run(connection, state, write);
            StoreFailures.Commit(connection);
            return result;
        }
        catch
        {
            connection.Rollback();
            throw;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private static SqliteConnectionStringBuilder ParseConnectionString(string value)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = value.Contains('=', StringComparison.Ordinal) ? new SqliteConnectionStringBuilder(value) : new SqliteConnectionStringBuilder { DataSource = value };
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"SqliteStateStoreOptions.ConnectionString is not a valid SQLite connection string: {ex.Message}", nameof(value), ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            throw new ArgumentException(
                "SqliteStateStoreOptions.ConnectionString must name a database file; an in-memory SQLite database is not durable (use InMemorySyncStateStore for that).",
                nameof(value));
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new ArgumentException("SqliteStateStoreOptions.ConnectionString opens the database read-only; the state store writes to it.", nameof(value));
        }

        return builder;
    }

    private StoreConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var store = new StoreConnection(connection);
            store.Command(_options.Durability == SqliteDurability.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").ExecuteNonQuery();
            store.Command(string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {(long)_options.BusyTimeout.TotalMilliseconds}")).ExecuteNonQuery();

            // Sorts and groupings (the newest run of a kind, the oldest due dead letter) use temporary b-trees; kept on
            // disk by default, they cost each such read a temporary file, several times the read itself.
            store.Command("PRAGMA temp_store = MEMORY").ExecuteNonQuery();
            return store;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private StoreConnection OpenAndMigrate(CancellationToken cancellationToken)
    {
        StoreConnection? connection = null;
        try
        {
            CreateDirectory();
            connection = Open();

            // Reads come first: a file that is not a database, or has a newer schema, fails here untouched.
            var version = SqliteSchema.ReadVersion(connection);
            SqliteSchema.ThrowIfNewer(version, Path);
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Connection.Handle, "main") != 0)
            {
                throw new InvalidOperationException(
                    $"The SQLite state store '{Path}' cannot be written: SQLite opened it read-only (check the file's and its directory's permissions and attributes). It was left untouched.");
            }

            var journal = connection.Command("PRAGMA journal_mode = WAL").ExecuteScalar() as string;
            if (!string.Equals(journal, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"The SQLite state store '{Path}' could not switch to WAL mode (journal_mode is '{journal}').");
            }

            cancellationToken.ThrowIfCancellationRequested();
            EnterWrite();
            int found;
            try
            {
                found = SqliteSchema.Migrate(connection, Path, Time.GetUtcNow());
            }
            finally
            {
                ExitWrite();
            }

            if (found < SqliteSchema.CurrentVersion)
            {
                Log.Migrated(_logger, Path, found, SqliteSchema.CurrentVersion);
            }

            Log.Opened(_logger, Path, SqliteSchema.CurrentVersion, _options.Durability);
            return connection;
        }
        catch (SqliteException ex)
        {
            connection?.Dispose();
            throw Explain(ex);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    // SQLite creates a missing file but not its directory: `state/synckit.db` works on a fresh machine.
    private void CreateDirectory()
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The SQLite state store '{Path}' cannot be opened or created for writing: its directory cannot be created ({ex.Message}). Check that the path's directories can be created and written.",
                ex);
        }
    }

    private InvalidOperationException Explain(SqliteException exception) => exception.SqliteErrorCode switch
    {
        SQLitePCL.raw.SQLITE_NOTADB => new InvalidOperationException(
            $"'{Path}' is not a SQLite database, so it cannot be the SyncKit state store; it was left untouched. Point SqliteStateStoreOptions.ConnectionString at a new file or an existing SyncKit store.",
            exception),
        SQLitePCL.raw.SQLITE_CANTOPEN => new InvalidOperationException(
            $"The SQLite state store '{Path}' cannot be opened or created for writing: {exception.Message} Check that its directory exists and is writable.",
            exception),
        SQLitePCL.raw.SQLITE_READONLY or SQLitePCL.raw.SQLITE_PERM or SQLitePCL.raw.SQLITE_AUTH => new InvalidOperationException(
            $"The SQLite state store '{Path}' cannot be written: {exception.Message} Check the permissions of the file and its directory.",
            exception),
        SQLitePCL.raw.SQLITE_CORRUPT => new InvalidOperationException(
            $"The SQLite state store '{Path}' is corrupt: {exception.Message} Restore it from a backup.",
            exception),
        _ => new InvalidOperationException($"The SQLite state store '{Path}' could not be opened: {exception.Message}", exception),
    };

    private TimeoutException WriteGateTimeout() => new(
        $"A write to the SQLite state store '{Path}' waited {_options.BusyTimeout} for another transaction of this store to finish. " +
        "A transaction was left open, or a write was made through the store while the same flow held a transaction.");
}
