using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SyncKit.Sqlite.Internal;

namespace SyncKit.Sqlite;

/// <summary>
/// A durable, crash-safe state store in one SQLite file: checkpoints, dedup marks, dead letters, run history
/// and audit. A destination whose tables live in the same file writes through
/// <see cref="IStateTransaction.DbTransaction"/> (a <c>SqliteTransaction</c>), so its rows, the dedup marks,
/// the dead letters and the checkpoint commit in one transaction.
/// </summary>
/// <remarks>
/// <para>
/// The file runs in WAL mode with <c>synchronous=FULL</c> by default (see <see cref="SqliteDurability"/>).
/// It is opened, checked and migrated on first use or by <see cref="InitializeAsync"/>: a file that is not a
/// SQLite database, cannot be written, or has a schema newer than this code is refused with a message and
/// left untouched.
/// </para>
/// <para>
/// One instance serves a whole process and is safe for concurrent use: readers run in parallel, writers
/// take turns. A job is served by one store: its transactions claim it until the store is disposed, and another
/// store (in this or another process) opening a transaction for the same job on the same file is refused. A store
/// keeps one lock file open whatever the number of jobs.
/// </para>
/// </remarks>
public sealed class SqliteSyncStateStore : ISyncStateStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly JobLocks _jobLocks;
    private readonly SqliteStateWriter _autoCommit;

    /// <summary>Creates the store; the file is opened on first use or by <see cref="InitializeAsync"/>.</summary>
    /// <param name="options">Where the file is and how durable commits are.</param>
    /// <param name="timeProvider">The clock for dedup holds and purges; defaults to the system clock.</param>
    /// <param name="loggerFactory">Logging; defaults to none.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public SqliteSyncStateStore(SqliteStateStoreOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, loggerFactory, baseDirectory: null)
    {
    }

    /// <summary>Creates the store with a relative file path resolved against <paramref name="baseDirectory"/> (the host's content root).</summary>
    internal SqliteSyncStateStore(SqliteStateStoreOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SyncKit.Sqlite");
        _database = new SqliteDatabase(options, timeProvider ?? TimeProvider.System, logger, baseDirectory ?? Directory.GetCurrentDirectory());
        _jobLocks = new JobLocks(_database, logger);
        _autoCommit = new SqliteStateWriter(new AutoCommitSession(_database));
        Checkpoints = _autoCommit;
        Dedup = _autoCommit;
        DeadLetters = _autoCommit;
        Runs = _autoCommit;
    }

    /// <summary>The database file's full path.</summary>
    public string DatabasePath => _database.Path;

    /// <inheritdoc />
    public ICheckpointStore Checkpoints { get; }

    /// <inheritdoc />
    public IDedupStore Dedup { get; }

    /// <inheritdoc />
    public IDeadLetterStore DeadLetters { get; }

    /// <inheritdoc />
    public IRunHistoryStore Runs { get; }

    /// <summary>
    /// Opens the file, checks it and applies missing schema migrations (in one transaction), unless done
    /// already. Every other member does this on first use; call it at start-up to fail fast.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="InvalidOperationException">
    /// The file is not a SQLite database, cannot be written, or has a newer schema; the message says which.
    /// </exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default) =>
        _database.InitializeAsync(cancellationToken).AsTask();

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Another process holds <paramref name="job"/> on this file.</exception>
    public async ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken)
    {
        await _database.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _jobLocks.ThrowIfHeldElsewhereAsync(job, cancellationToken).ConfigureAwait(false);
        var connection = await _database.RentAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteStateTransaction(_database, connection, writing => _jobLocks.Claim(writing, job));
    }

    /// <inheritdoc />
    /// <remarks>Two statements for the whole list, whatever its length; each probes the store's indexes job by job.</remarks>
    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        _autoCommit.ReadHealthInputsAsync(jobs, windowStart, cancellationToken);

    /// <summary>Closes the connections and releases this process's job locks.</summary>
    public void Dispose()
    {
        _jobLocks.Dispose();
        _database.Dispose();
    }

    private static void Validate(SqliteStateStoreOptions options)
    {
        var result = new SqliteStateStoreOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new ArgumentException($"Invalid {nameof(SqliteStateStoreOptions)}: {result.FailureMessage}", nameof(options));
        }
    }
}
