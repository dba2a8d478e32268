using Microsoft.Data.Sqlite;
using Npgsql;
using SyncKit.TestPostgres;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>The databases <c>--store</c> can name; a test that holds on both runs once per kind.</summary>
public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database a command test runs against — a temporary SQLite file, or a database of its own on the test run's
/// PostgreSQL server (the store's schema is fixed, so tests cannot share one) — with raw reads for assertions.
/// Values come back as the provider gives them, <see cref="DBNull"/> as <see langword="null"/>.
/// </summary>
public abstract class CliStore : IAsyncDisposable
{
    /// <summary>The <c>--store</c> value.</summary>
    public abstract string Argument { get; }

    public static async Task<CliStore> CreateAsync(StoreKind kind) => kind switch
    {
        StoreKind.Sqlite => new Sqlite(),
        StoreKind.Postgres => await Postgres.CreateAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public List<object?[]> Rows(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add([.. row.Select(v => v is DBNull ? null : v)]);
        }

        return rows;
    }

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public abstract ValueTask DisposeAsync();

    protected abstract System.Data.Common.DbConnection Open();

    private sealed class Sqlite : CliStore
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-cli-{Guid.NewGuid():N}.db");

        public override string Argument => $"sqlite:{_path}";

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            {
                File.Delete(file);
            }

            return ValueTask.CompletedTask;
        }

        protected override System.Data.Common.DbConnection Open()
        {
            var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
            connection.Open();
            return connection;
        }
    }

    private sealed class Postgres(PostgresServer server, string database, string connectionString) : CliStore
    {
        public override string Argument => $"postgres:{connectionString}";

        public static async Task<Postgres> CreateAsync()
        {
            var server = await PostgresServer.InstanceAsync();
            var database = $"vomo_cli_{Guid.NewGuid().ToString("N")[..12]}";
            await ExecuteOnServerAsync(server, $"CREATE DATABASE {database}");
            var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringWith(database, maxPoolSize: 10)) { Database = database }.ConnectionString;
            return new Postgres(server, database, connectionString);
        }

        public override async ValueTask DisposeAsync() => await ExecuteOnServerAsync(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");

        protected override System.Data.Common.DbConnection Open()
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            connection.Open();
            return connection;
        }

        private static async Task ExecuteOnServerAsync(PostgresServer server, string sql)
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
