using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SyncKit.Simulation.World;

/// <summary>
/// The destination's rows as a table in the state store's database, written through the engine's transaction: a
/// skip-older upsert by key, so they commit (or roll back) with the dead letters and the checkpoint.
/// </summary>
internal sealed class SqlRows : IDestinationRows, IAsyncDisposable
{
    private readonly string _table;
    private readonly Func<CancellationToken, ValueTask<DbConnection>> _openReader;
    private readonly string _abort;

    private SqlRows(string table, Func<CancellationToken, ValueTask<DbConnection>> openReader, string abort)
    {
        _table = table;
        _openReader = openReader;
        _abort = abort;
    }

    public bool Enlisted => true;

    public static async Task<SqlRows> CreateSqliteAsync(string path)
    {
        var connectionString = $"Data Source={path}";
        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS sim_rows (key TEXT PRIMARY KEY, version INTEGER NOT NULL, deleted INTEGER NOT NULL)");
        }

        // SQLite has no statement that aborts a whole transaction; a failing statement only fails itself.
        return new SqlRows("sim_rows", async ct =>
        {
            var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync(ct);
            return connection;
        }, abort: string.Empty);
    }

    public static async Task<SqlRows> CreatePostgresAsync(NpgsqlDataSource dataSource, string schema)
    {
        var table = $"{schema}.sim_rows";
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {table} (key text PRIMARY KEY, version bigint NOT NULL, deleted boolean NOT NULL)");
        }

        return new SqlRows(table, async ct => await dataSource.OpenConnectionAsync(ct), abort: "SELECT 1 / 0");
    }

    public async ValueTask<bool> UpsertAsync(IStateTransaction? transaction, SimRecord record, CancellationToken cancellationToken)
    {
        var db = SimTransaction.Unwrap(transaction!).DbTransaction!;
        await using var command = db.Connection!.CreateCommand();
        command.Transaction = db;
        command.CommandText =
            $"INSERT INTO {_table} (key, version, deleted) VALUES (@key, @version, @deleted) " +
            $"ON CONFLICT (key) DO UPDATE SET version = excluded.version, deleted = excluded.deleted WHERE excluded.version > {_table}.version";
        Add(command, "@key", record.Key);
        Add(command, "@version", record.Version);
        Add(command, "@deleted", record.Deleted);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> AbortAsync(IStateTransaction transaction, CancellationToken cancellationToken)
    {
        if (_abort.Length == 0)
        {
            return false;
        }

        var db = SimTransaction.Unwrap(transaction).DbTransaction!;
        await using var command = db.Connection!.CreateCommand();
        command.Transaction = db;
        command.CommandText = _abort;
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException)
        {
            // The statement failed, and with it the transaction, as IDestination allows a record's failure to do.
        }

        return true;
    }

    public async ValueTask<IReadOnlyDictionary<string, Row>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _openReader(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT key, version, deleted FROM {_table}";
        var rows = new Dictionary<string, Row>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetString(0)] = new Row(reader.GetInt64(1), reader.GetBoolean(2));
        }

        return rows;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
