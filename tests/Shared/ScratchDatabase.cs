using Npgsql;

namespace SyncKit.TestPostgres;

/// <summary>
/// A database of its own on a server, dropped on dispose: for tests whose verdict depends on every session of the
/// database (a source's visibility horizon is held by any open transaction in it, including other tests').
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private ScratchDatabase(string adminConnectionString, string name, int maxPoolSize)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, ApplicationName = name, MaxPoolSize = maxPoolSize }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The database's name.</summary>
    public string Name { get; }

    /// <summary>Connects to the database as the administrator the server gave.</summary>
    public string ConnectionString { get; }

    /// <summary>A data source on <see cref="ConnectionString"/>.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates a database named after <paramref name="purpose"/> with a random suffix.</summary>
    /// <param name="adminConnectionString">A role that may create databases.</param>
    /// <param name="purpose">Lower-case letters and underscores.</param>
    /// <param name="maxPoolSize">The pool size of <see cref="DataSource"/>.</param>
    public static async Task<ScratchDatabase> CreateAsync(string adminConnectionString, string purpose, int maxPoolSize = 30)
    {
        var name = $"t_{purpose}_{Guid.NewGuid().ToString("N")[..10]}";
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
        await create.ExecuteNonQueryAsync();
        return new ScratchDatabase(adminConnectionString, name, maxPoolSize);
    }

    /// <summary>Runs SQL in the database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a query in the database and returns its one value.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
