using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyncKit.TestPostgres;

namespace SyncKit.Postgres.Tests.Infrastructure;

/// <summary>
/// Gives each test its own schema on the run's server (so test classes never share tables) and a store over it
/// with a fake clock for dedup holds and record times.
/// </summary>
public abstract class PostgresTestBase : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly List<IAsyncDisposable> _disposables = [];

    protected PostgresTestBase()
    {
        var name = GetType().Name.ToLowerInvariant();
        Schema = $"t_{name[..Math.Min(name.Length, 40)]}_{Guid.NewGuid().ToString("N")[..10]}";
    }

    protected string Schema { get; }

    protected FakeTimeProvider Time { get; } = new(T0);

    protected PostgresServer Server { get; private set; } = null!;

    protected NpgsqlDataSource DataSource { get; private set; } = null!;

    protected PostgresSyncStateStore Store { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Server = await PostgresServer.InstanceAsync();
        DataSource = Track(NpgsqlDataSource.Create(Server.ConnectionStringWith(Schema)));
        Store = NewStore();
        await Store.StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        _disposables.Reverse();
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        await using var cleanup = new NpgsqlConnection(Server.ConnectionString);
        await cleanup.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", cleanup);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Another store over the same schema: another host instance, with its own lease owner.</summary>
    protected PostgresSyncStateStore NewStore(Action<PostgresSyncStateStoreOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new PostgresSyncStateStoreOptions { Schema = Schema };
        configure?.Invoke(options);
        return Track(new PostgresSyncStateStore(DataSource, options, timeProvider ?? Time));
    }

    protected T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    protected async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql.Replace("{schema}", $"\"{Schema}\"", StringComparison.Ordinal));
        return (T)(await command.ExecuteScalarAsync())!;
    }

    protected async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql.Replace("{schema}", $"\"{Schema}\"", StringComparison.Ordinal));
        await command.ExecuteNonQueryAsync();
    }
}
