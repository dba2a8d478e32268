using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyncKit.TestPostgres;
using SyncKit.Testing.Xunit;

namespace SyncKit.Postgres.Tests;

/// <summary>The PostgreSQL store passes the store conformance kit, each case in its own schema.</summary>
public sealed class PostgresStateStoreConformanceTests : StateStoreConformanceTests
{
    private string? _schema;
    private NpgsqlDataSource? _dataSource;

    protected override bool HasDbTransaction => true;

    protected override async ValueTask<ISyncStateStore> CreateStoreAsync(FakeTimeProvider timeProvider)
    {
        var server = await PostgresServer.InstanceAsync();
        _schema = $"t_conformance_{Guid.NewGuid().ToString("N")[..12]}";
        _dataSource = NpgsqlDataSource.Create(server.ConnectionStringWith(_schema, 5));
        var store = new PostgresSyncStateStore(_dataSource, new PostgresSyncStateStoreOptions { Schema = _schema }, timeProvider);
        await store.StartAsync(default);
        return store;
    }

    protected override async ValueTask DisposeStoreAsync(ISyncStateStore store)
    {
        await base.DisposeStoreAsync(store);
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
