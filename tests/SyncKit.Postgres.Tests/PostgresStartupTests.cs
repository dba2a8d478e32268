using SyncKit.Postgres.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using SyncKit.Postgres.Tests.Infrastructure;

namespace SyncKit.Postgres.Tests;

public sealed class PostgresStartupTests : PostgresTestBase
{
    [Fact]
    public async Task StartAsync_EightInstancesAtOnceOnAFreshSchema_MigrateExactlyOnce()
    {
        var schema = Schema + "_fresh";
        var stores = Enumerable.Range(0, 8)
            .Select(i => Track(PostgresSyncStateStore.Create(new PostgresSyncStateStoreOptions { ConnectionString = Server.ConnectionStringWith($"{schema}-{i}", 2), Schema = schema })))
            .ToList();

        try
        {
            await Task.WhenAll(stores.Select(s => s.StartAsync(default).AsTask()));

            (await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version")).Should().Be(PostgresSchema.Migrations.Count);
            await stores[3].Checkpoints.SaveAsync(new JobId("t", "s"), Cursor.FromSequence(1), default);
            (await stores[5].Checkpoints.GetAsync(new JobId("t", "s"), default)).Should().Be(Cursor.FromSequence(1));
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task StartAsync_SchemaNewerThanTheCode_IsRefusedNamingBothVersions()
    {
        await ExecuteAsync("INSERT INTO {schema}.schema_version (version) VALUES (99)");

        var start = async () => await NewStore().StartAsync(default);

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*\"{Schema}\" is at version 99, newer than the version this SyncKit.Postgres supports ({PostgresSchema.Migrations.Count})*");
    }

    [Fact]
    public async Task StartAsync_SchemaAtVersion2WithLeasedJobs_CarriesEachTokenOntoItsCheckpointRowAndKeepsFencing()
    {
        var schema = Schema + "_v2";
        var leased = new JobId("tenant-a", "invoices");
        var leasedWithoutCheckpoint = new JobId("tenant-a", "orders");
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        for (var version = 1; version <= 2; version++)
        {
            await ExecuteAsync(PostgresSchema.Migrations[version - 1].Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal) + $";INSERT INTO \"{schema}\".schema_version VALUES ({version})");
        }

        await ExecuteAsync($$"""
            INSERT INTO "{{schema}}".leases VALUES ('tenant-a', 'invoices', 'old', 5, now(), '-infinity'), ('tenant-a', 'orders', 'old', 3, now(), '-infinity');
            INSERT INTO "{{schema}}".checkpoints VALUES ('tenant-a', 'invoices', '{{CursorJson.Write(Cursor.FromSequence(7))}}', now());
            """);

        try
        {
            var store = Track(new PostgresSyncStateStore(DataSource, new PostgresSyncStateStoreOptions { Schema = schema, LeaseOwner = "next" }, Time));
            await store.StartAsync(default);

            (await ScalarAsync<long>($"SELECT fencing_token FROM \"{schema}\".checkpoints WHERE stream = 'invoices'")).Should().Be(5);
            (await ScalarAsync<long>($"SELECT fencing_token FROM \"{schema}\".checkpoints WHERE stream = 'orders'")).Should().Be(3);
            (await store.Checkpoints.GetAsync(leased, default)).Should().Be(Cursor.FromSequence(7), "the migration keeps every checkpoint");
            (await store.Checkpoints.GetAsync(leasedWithoutCheckpoint, default)).Should().BeNull("a row that only carries a token is no checkpoint");
            var granted = await store.Leases.TryAcquireAsync([leased, leasedWithoutCheckpoint], 2, default);
            granted.Select(l => l.FencingToken).Should().BeEquivalentTo([6L, 4L]);
            await using var transaction = await store.BeginTransactionAsync(leased, default);
            await transaction.Checkpoints.SaveAsync(leased, Cursor.FromSequence(8), default);
            await transaction.CommitAsync(default);
            (await store.Checkpoints.GetAsync(leased, default)).Should().Be(Cursor.FromSequence(8));
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task StartAsync_SchemaAtVersion3WithAudit_IndexesEachRunsTrailAndKeepsEveryEntry()
    {
        var schema = Schema + "_v3";
        await ExecuteAsync($"CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
        for (var version = 1; version <= 3; version++)
        {
            await ExecuteAsync(PostgresSchema.Migrations[version - 1].Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal) + $";INSERT INTO \"{schema}\".schema_version VALUES ({version})");
        }

        var position = CursorJson.Write(Cursor.FromSequence(1));
        await ExecuteAsync($"""
            INSERT INTO "{schema}".audit (run_id, tenant, stream, record_key, position, action, at) VALUES
                ('run-1', 't', 's', 'a', '{position}', 'written', now()), ('run-2', 't', 's', 'a', '{position}', 'written', now()),
                ('run-1', 't', 's', 'b', '{position}', 'skipped', now()), ('run-1', 't', 's', 'c', '{position}', 'written', now());
            """);

        try
        {
            var store = Track(new PostgresSyncStateStore(DataSource, new PostgresSyncStateStoreOptions { Schema = schema }, Time));
            await store.StartAsync(default);

            (await ScalarAsync<long>($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'audit_run_id'")).Should().Be(1);
            (await ScalarAsync<long>($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'audit_run'")).Should().Be(0, "(run_id, id) serves every lookup by run");
            var first = await store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { Limit = 2 }, default);
            var last = await store.Runs.GetRunAuditAsync(new RunAuditQuery("run-1") { After = first.Next, Limit = 2 }, default);
            first.Entries.Concat(last.Entries).Select(e => e.RecordKey).Should().Equal("a", "b", "c");
            last.Next.Should().BeNull();
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task StartAsync_UnreachableServer_RetriesThenNamesHostPortAndDatabaseButNotThePassword()
    {
        var port = FreePort();
        await using var store = PostgresSyncStateStore.Create(new PostgresSyncStateStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={port};Database=orders;Username=sync;Password=hunter2-secret;Timeout=2",
            StartupRetries = 2,
            StartupRetryDelay = TimeSpan.FromMilliseconds(10),
        });

        var start = async () => await store.Checkpoints.GetAsync(new JobId("t", "s"), default);

        var error = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain($"127.0.0.1:{port}").And.Contain("database orders").And.Contain("after 3 attempt(s)");
        error.ToString().Should().NotContain("hunter2");
    }

    [Fact]
    public async Task StartAsync_RejectedCredentials_FailsAtOnceNamingTheTarget()
    {
        var builder = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Username = "no_such_role", Password = "hunter2-secret", Database = "orders" };
        await using var store = PostgresSyncStateStore.Create(new PostgresSyncStateStoreOptions { ConnectionString = builder.ConnectionString, StartupRetryDelay = TimeSpan.FromMinutes(10) });

        var start = async () => await store.StartAsync(default);

        var error = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain($"{builder.Host}:{builder.Port}").And.Contain("database orders").And.Contain("no_such_role").And.NotContain("attempt");
        error.ToString().Should().NotContain("hunter2");
    }

    [Theory]
    [InlineData("Schema", "Sync-Kit")]
    [InlineData("LeaseRenewInterval", "00:01:00")]
    [InlineData("StartupRetries", "-1")]
    public void Constructor_InvalidOption_ThrowsNamingTheSetting(string setting, string value)
    {
        var options = new PostgresSyncStateStoreOptions();
        var property = typeof(PostgresSyncStateStoreOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan) ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        var create = () => new PostgresSyncStateStore(DataSource, options);

        create.Should().Throw<ArgumentException>().WithMessage($"*PostgresSyncStateStoreOptions.{setting}*");
    }

    [Fact]
    public async Task UsePostgres_HostStartsAndStops_MigratesThenReleasesTheInstancesLeases()
    {
        var schema = Schema + "_di";
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSyncKit(kit => kit.UsePostgres(o => { o.ConnectionString = Server.ConnectionStringWith(schema, 2); o.Schema = schema; }));
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
            (await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version")).Should().Be(PostgresSchema.Migrations.Count, "the store migrated when the host started");
            var leases = host.Services.GetRequiredService<IJobLeaseManager>();
            host.Services.GetRequiredService<ISyncStateStore>().Should().BeSameAs(host.Services.GetRequiredService<PostgresSyncStateStore>());
            await leases.TryAcquireAsync([new JobId("t", "s")], 1, default);

            await host.StopAsync();

            (await ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".leases WHERE owner IS NOT NULL")).Should().Be(0);
        }
        finally
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    [Fact]
    public async Task UsePostgres_NoConnectionString_FailsHostStartNamingTheSetting()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSyncKit(kit => kit.UsePostgres(o => o.Schema = "ok"));
        using var host = builder.Build();

        var start = async () => await host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*PostgresSyncStateStoreOptions.ConnectionString*");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
