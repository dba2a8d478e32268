using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SyncKit.Postgres.Internal;

namespace SyncKit.Postgres;

/// <summary>
/// A durable <see cref="ISyncStateStore"/> on PostgreSQL, with job leases for several host instances.
/// </summary>
/// <remarks>
/// <para>
/// The first operation (or <see cref="StartAsync"/>) connects, retrying an unreachable server a bounded number
/// of times, and migrates the tables in <see cref="PostgresSyncStateStoreOptions.Schema"/>; a schema newer than
/// this code is refused.
/// </para>
/// <para>
/// A transaction's <see cref="IStateTransaction.DbTransaction"/> is an <see cref="NpgsqlTransaction"/>: a
/// destination in the same database writes through its connection, and its rows commit with the checkpoint.
/// When this instance holds the job's lease (<see cref="Leases"/>), the commit also checks the lease's fencing
/// token in the database and fails with <see cref="LeaseLostException"/> if another instance took the job over.
/// </para>
/// </remarks>
public sealed class PostgresSyncStateStore : ISyncStateStore, IAsyncDisposable
{
    private readonly PostgresDatabase _database;
    private readonly LeaseRegistry _leaseRegistry;
    private readonly PostgresLeaseManager _leases;
    private readonly bool _ownsDataSource;
    private readonly PostgresStateWriter _autoCommit;

    /// <summary>Creates a store over a data source the caller owns.</summary>
    /// <param name="dataSource">Where the store connects.</param>
    /// <param name="options">The schema, startup retries and lease settings; defaults apply when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for dedup holds and record times; defaults to the system clock. Leases use the database clock.</param>
    /// <param name="loggerFactory">Logging; defaults to none.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public PostgresSyncStateStore(NpgsqlDataSource dataSource, PostgresSyncStateStoreOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), options ?? new(), ownsDataSource: false, timeProvider, loggerFactory)
    {
    }

    /// <summary>Creates a store that connects with <see cref="PostgresSyncStateStoreOptions.ConnectionString"/> and disposes its data source with itself.</summary>
    /// <param name="options">The connection string, schema, startup retries and lease settings.</param>
    /// <param name="timeProvider">The clock for dedup holds and record times; defaults to the system clock. Leases use the database clock.</param>
    /// <param name="loggerFactory">Logging; defaults to none.</param>
    /// <returns>The store; dispose it to close its connections.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static PostgresSyncStateStore Create(PostgresSyncStateStoreOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null) =>
        new(null, options ?? throw new ArgumentNullException(nameof(options)), ownsDataSource: true, timeProvider, loggerFactory);

    private PostgresSyncStateStore(NpgsqlDataSource? dataSource, PostgresSyncStateStoreOptions options, bool ownsDataSource, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        options.ThrowIfInvalid(hasDataSource: dataSource is not null);
        _ownsDataSource = ownsDataSource;
        _leaseRegistry = new LeaseRegistry(options.RequireLease);
        dataSource ??= NpgsqlDataSource.Create(options.ConnectionString!);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("SyncKit.Postgres");
        _database = new PostgresDatabase(dataSource, options, timeProvider ?? TimeProvider.System, logger);
        _autoCommit = new PostgresStateWriter(_database, new AutoCommitScope(_database));
        Checkpoints = _autoCommit;
        Dedup = _autoCommit;
        DeadLetters = _autoCommit;
        Runs = _autoCommit;
        var owner = options.LeaseOwner ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
        _leases = new PostgresLeaseManager(_database, _leaseRegistry, owner, options.LeaseDuration, options.LeaseRenewInterval);
    }

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _database.Schema;

    /// <summary>
    /// Job leases for this instance, in the same database. Transactions of a job whose lease this instance
    /// holds commit only while no newer owner exists.
    /// </summary>
    public IJobLeaseManager Leases => _leases;

    /// <inheritdoc />
    public ICheckpointStore Checkpoints { get; }

    /// <inheritdoc />
    public IDedupStore Dedup { get; }

    /// <inheritdoc />
    public IDeadLetterStore DeadLetters { get; }

    /// <inheritdoc />
    public IRunHistoryStore Runs { get; }

    /// <summary>Connects (with bounded retries) and migrates the schema, if that has not happened yet. Every operation does this first.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="InvalidOperationException">
    /// The server stayed unreachable or refused the credentials (the message names host, port and database),
    /// or the schema is newer than this code.
    /// </exception>
    public ValueTask StartAsync(CancellationToken cancellationToken) => _database.EnsureStartedAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IStateTransaction> BeginTransactionAsync(JobId job, CancellationToken cancellationToken)
    {
        var fence = _leaseRegistry.For(job);
        var connection = await _database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresStateTransaction(_database, connection, transaction, job, fence, _leaseRegistry);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    /// <remarks>Two statements for the whole list, whatever its length; each probes the store's indexes job by job.</remarks>
    public ValueTask<IReadOnlyList<JobHealthInputs>> ReadHealthInputsAsync(IReadOnlyList<JobId> jobs, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        _autoCommit.ReadHealthInputsAsync(jobs, windowStart, cancellationToken);

    /// <summary>Disposes the data source when the store created it.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public ValueTask DisposeAsync() =>
        _ownsDataSource ? _database.DataSource.DisposeAsync() : ValueTask.CompletedTask;

    /// <summary>Releases every lease this instance holds, so other instances take the jobs over at once.</summary>
    internal Task ReleaseLeasesAsync(CancellationToken cancellationToken) => _leases.ReleaseAllAsync(cancellationToken);
}
