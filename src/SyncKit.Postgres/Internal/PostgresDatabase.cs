using Microsoft.Extensions.Logging;
using Npgsql;

namespace SyncKit.Postgres.Internal;

/// <summary>
/// The store's database: the data source, the SQL for its schema, and the one-time start (connect with
/// bounded retries, then migrate) that every operation waits for.
/// </summary>
internal sealed class PostgresDatabase
{
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly PostgresSyncStateStoreOptions _options;
    private volatile bool _started;

    public PostgresDatabase(NpgsqlDataSource dataSource, PostgresSyncStateStoreOptions options, TimeProvider timeProvider, ILogger logger)
    {
        DataSource = dataSource;
        _options = options;
        Time = timeProvider;
        Logger = logger;
        Schema = options.Schema;
        Sql = new PostgresSql($"\"{options.Schema}\"");
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    public PostgresSql Sql { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>Completes once the server was reached and the schema is current; a failed start is tried again by the next caller.</summary>
    public ValueTask EnsureStartedAsync(CancellationToken cancellationToken) =>
        _started ? ValueTask.CompletedTask : StartAsync(cancellationToken);

    /// <summary>Opens a pooled connection (starting the store first if needed).</summary>
    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            _started = true;
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>
    /// Opens the first connection. An unreachable server is retried a bounded number of times with a doubling
    /// delay; rejected credentials or a missing database fail at once, as retrying cannot fix them.
    /// </summary>
    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var attempts = _options.StartupRetries + 1;
        var delay = _options.StartupRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (IsUnreachable(ex) && attempt < attempts)
            {
                var (host, port, database, _) = Target();
                Log.ConnectRetrying(Logger, ex, host, port, database, attempt, attempts, delay);
                await Task.Delay(delay, Time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (NpgsqlException ex)
            {
                var (host, port, database, user) = Target();
                var tried = IsUnreachable(ex) ? $" after {attempts} attempt(s)" : string.Empty;
                throw new InvalidOperationException(
                    $"SyncKit.Postgres could not connect to PostgreSQL at {host}:{port}, database {database}, user {user}{tried}: {ex.Message}",
                    ex);
            }
        }
    }

    // Authentication failures (SQLSTATE class 28) and a missing database (3D000) need an operator, not a retry.
    private static bool IsUnreachable(NpgsqlException exception) =>
        exception is not PostgresException { SqlState: ['2', '8', ..] or "3D000" };

    /// <summary>Where the data source points; its connection string never carries the password.</summary>
    private (string? Host, int Port, string? Database, string? User) Target()
    {
        var builder = new NpgsqlConnectionStringBuilder(DataSource.ConnectionString);
        return (builder.Host, builder.Port, builder.Database ?? builder.Username, builder.Username);
    }

    /// <summary>
    /// Brings the schema to <see cref="PostgresSchema.LatestVersion"/> in one transaction. A transaction-level
    /// advisory lock serializes instances that start together (and works behind PgBouncer in transaction
    /// mode); a schema newer than this code is refused.
    /// </summary>
    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await ExecuteAsync(new NpgsqlCommand(Sql.LockMigrations, connection, transaction).With(MigrationLockKey(Schema)), cancellationToken).ConfigureAwait(false);
            var current = (int)(await ExecuteAsync(new NpgsqlCommand(Sql.CreateSchemaAndReadVersion, connection, transaction), cancellationToken).ConfigureAwait(false))!;

            if (current > PostgresSchema.LatestVersion)
            {
                throw new InvalidOperationException(
                    $"The SyncKit schema \"{Schema}\" is at version {current}, newer than the version this SyncKit.Postgres supports ({PostgresSchema.LatestVersion}). " +
                    "Upgrade SyncKit.Postgres on this host, or point it at another schema (PostgresSyncStateStoreOptions.Schema).");
            }

            for (var version = current + 1; version <= PostgresSchema.LatestVersion; version++)
            {
                await ExecuteAsync(new NpgsqlCommand(Sql.Migration(version), connection, transaction), cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (current < PostgresSchema.LatestVersion)
            {
                Log.SchemaMigrated(Logger, Schema, current, PostgresSchema.LatestVersion);
            }
        }
    }

    private static async Task<object?> ExecuteAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A stable 64-bit key per schema (FNV-1a), so stores in different schemas migrate independently.</summary>
    private static long MigrationLockKey(string schema)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in "synckit.migrate:" + schema)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
