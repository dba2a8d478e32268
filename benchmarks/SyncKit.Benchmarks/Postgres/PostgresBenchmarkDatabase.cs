using Npgsql;
using SyncKit.Postgres;

namespace SyncKit.Benchmarks.Postgres;

/// <summary>
/// A fresh schema on the server named by <c>SYNCKIT_TEST_POSTGRES</c>, with a SyncKit store in it and a raw data
/// source for the hand-written baselines; dropped on dispose.
/// </summary>
internal sealed class PostgresBenchmarkDatabase : IAsyncDisposable
{
    private readonly string _schema = $"bench_{Guid.NewGuid().ToString("N")[..12]}";

    private PostgresBenchmarkDatabase(NpgsqlDataSource dataSource)
    {
        DataSource = dataSource;
        Store = new PostgresSyncStateStore(dataSource, new PostgresSyncStateStoreOptions { Schema = _schema, LeaseOwner = "benchmark" });
    }

    public NpgsqlDataSource DataSource { get; }

    public PostgresSyncStateStore Store { get; }

    /// <summary>The schema's name, unquoted.</summary>
    public string Schema => _schema;

    public static async Task<PostgresBenchmarkDatabase> CreateAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("SYNCKIT_TEST_POSTGRES")
            ?? throw new InvalidOperationException("Set SYNCKIT_TEST_POSTGRES to the connection string of a PostgreSQL server where the benchmarks may create schemas.");
        var database = new PostgresBenchmarkDatabase(NpgsqlDataSource.Create(connectionString));
        await database.Store.StartAsync(CancellationToken.None);
        return database;
    }

    /// <summary>Runs SQL in the benchmark's schema (<c>{schema}</c> is replaced by its quoted name).</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(Qualify(sql));
        await command.ExecuteNonQueryAsync();
    }

    public string Qualify(string sql) => sql.Replace("{schema}", $"\"{_schema}\"", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await ExecuteAsync("DROP SCHEMA {schema} CASCADE");
        await DataSource.DisposeAsync();
    }
}
