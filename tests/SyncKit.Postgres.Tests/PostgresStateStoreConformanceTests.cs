using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyncKit.TestPostgres;
using SyncKit.Testing;

namespace SyncKit.Postgres.Tests;

/// <summary>The PostgreSQL store passes the store conformance kit, each test in its own schema.</summary>
public sealed class PostgresStateStoreConformanceTests : StateStoreConformanceTests
{
    private readonly string _schema = $"t_conformance_{Guid.NewGuid().ToString("N")[..12]}";
    private PostgresServer? _server;
    private NpgsqlDataSource? _dataSource;

    protected override async ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider)
    {
        _server = await PostgresServer.InstanceAsync();
        _dataSource = NpgsqlDataSource.Create(_server.ConnectionStringWith(_schema, 5));
        var store = new PostgresSyncStateStore(_dataSource, new PostgresSyncStateStoreOptions { Schema = _schema }, timeProvider);
        await store.StartAsync(default);
        return store;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_dataSource is not null)
        {
            await using (var drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await _dataSource.DisposeAsync();
        }
    }
}
