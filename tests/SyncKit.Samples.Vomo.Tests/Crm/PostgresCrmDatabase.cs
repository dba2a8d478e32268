using Npgsql;
using SyncKit.Postgres;
using SyncKit.TestPostgres;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>
/// A schema of its own on the test run's PostgreSQL server, holding both the state store's tables and the CRM's
/// (the connection's search path points at it); dropped on dispose.
/// </summary>
internal sealed class PostgresCrmDatabase : IAsyncDisposable
{
    private PostgresCrmDatabase(PostgresServer server, string schema)
    {
        Server = server;
        Schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringWith(schema, maxPoolSize: 10)) { SearchPath = schema }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public PostgresServer Server { get; }

    public string Schema { get; }

    /// <summary>Connects with the schema as search path, so the CRM tables are created and read there.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresCrmDatabase> CreateAsync()
    {
        var database = new PostgresCrmDatabase(await PostgresServer.InstanceAsync(), $"t_vomo_{Guid.NewGuid().ToString("N")[..12]}");
        await database.ExecuteAsync($"CREATE SCHEMA \"{database.Schema}\"");
        return database;
    }

    /// <summary>A state store in the schema; the caller disposes it.</summary>
    public PostgresSyncStateStore NewStore(TimeProvider time) =>
        new(DataSource, new PostgresSyncStateStoreOptions { Schema = Schema }, time);

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<object?[]> QueryRowAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue($"'{sql}' should return a row");
        var values = new object?[reader.FieldCount];
        reader.GetValues(values!);
        return values;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var connection = new NpgsqlConnection(Server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
