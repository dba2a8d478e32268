using Npgsql;

namespace SyncKit.Postgres.Tests.Sources;

/// <summary>Reading a table: order, the horizon, late commits, cursors, names, and what the source refuses.</summary>
public sealed class PostgresTableSourceTests : TableSourceTestBase
{
    // Reads rows committed a moment ago at once; the margin only guards a race these tests do not run.
    private static readonly Action<PostgresTableSourceOptions> NoMargin = o => o.HorizonMargin = TimeSpan.Zero;

    [Fact]
    public async Task ReadPageAsync_RowsSharingTimestamps_ReadOnceInUpdatedAtThenKeyOrderAcrossPages()
    {
        await InsertAsync("'2026-01-01T00:00:01Z'", 10, 2, 7);
        await InsertAsync("'2026-01-01T00:00:00Z'", 30, 4);
        await InsertAsync("'2026-01-01T00:00:02Z'", 1);

        var pages = await ReadAllAsync(Source(), pageSize: 2);

        pages.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal("4", "30", "2", "7", "10", "1");
        pages.Select(p => p.Records.Count).Should().Equal(2, 2, 2);
        pages[0].Records[0].Should().Be(new SourceRecord<string>("4", Cursor.At(T0, "4"), "customer-4"));
        pages.Should().OnlyContain(p => p.Horizon != null && p.Horizon.HeldBy == null, "no other transaction is open in the database");
    }

    [Fact]
    public async Task ReadPageAsync_TransactionLeftIdle_ReadsNothingStampedAfterItsStartAndNamesIt()
    {
        await InsertAsync("now() - interval '1 hour'", 1);
        var idle = await OpenIdleTransactionAsync("billing-batch");
        await InsertAsync("now()", 2);

        var held = await ReadAllAsync(Source());
        await idle.Transaction.CommitAsync();
        var released = await ReadAllAsync(Source(NoMargin), held[^1].Records[^1].Position);

        held.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal(["1"], "invoice 2 is stamped after the idle transaction began");
        var horizon = held[^1].Horizon!;
        horizon.At.Should().BeOnOrBefore(idle.Since - TimeSpan.FromSeconds(1));
        horizon.HeldBy.Should().Contain($"pid {idle.Pid}").And.Contain("application 'billing-batch'").And.Contain("idle in transaction");
        released.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal("2");
    }

    [Fact]
    public async Task ReadPageAsync_RowCommittedAfterANewerStampedOne_IsStillAheadOfTheCursorWhenItCommits()
    {
        var early = Track(await Database.DataSource.OpenConnectionAsync());
        var transaction = await early.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("INSERT INTO invoices VALUES (1, 'customer-1', now())", early, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await InsertAsync("now()", 2);
        var whileOpen = await ReadAllAsync(Source(NoMargin));
        await transaction.CommitAsync();
        var afterCommit = await ReadAllAsync(Source(NoMargin));

        whileOpen.SelectMany(p => p.Records).Should().BeEmpty("invoice 2 is newer than the open transaction's start");
        afterCommit.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal(["1", "2"], "the late commit comes first, in stamp order");
    }

    [Fact]
    public async Task ReadPageAsync_CursorAtAnInstantOrRewound_RereadsFromThatInstantWithBigintKeys()
    {
        await InsertAsync("'2026-01-01T00:00:00Z'", 5, 6);
        await InsertAsync("'2026-01-01T00:01:00Z'", 7);
        var checkpoint = Cursor.At(T0.AddMinutes(1), "7");

        var fromInstant = await ReadAllAsync(Source(), Cursor.At(T0, string.Empty));
        var rewound = await ReadAllAsync(Source(), checkpoint.Rewind(TimeSpan.FromMinutes(1)));
        var after = await ReadAllAsync(Source(), checkpoint);

        fromInstant.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal("5", "6", "7");
        rewound.SelectMany(p => p.Records).Select(r => r.Key).Should().Equal("5", "6", "7");
        after.SelectMany(p => p.Records).Should().BeEmpty();
    }

    [Fact]
    public async Task ReadPageAsync_NamesThatNeedQuoting_AreReadAsNamesNeverAsSql()
    {
        await Database.ExecuteAsync("""
            CREATE SCHEMA "Billing Data";
            CREATE TABLE "Billing Data"."Invoices""; DROP TABLE invoices; --" ("Invoice Key" text PRIMARY KEY, customer text NOT NULL, "Changed At" timestamptz NOT NULL);
            INSERT INTO "Billing Data"."Invoices""; DROP TABLE invoices; --" VALUES ('b', 'customer-b', '2026-01-01T00:00:00Z'), ('a', 'customer-a', '2026-01-01T00:00:00Z'), ('c', 'customer-c', '2026-01-01T00:00:01Z');
            """);
        var source = Source(o =>
        {
            o.Schema = "Billing Data";
            o.Table = "Invoices\"; DROP TABLE invoices; --";
            o.KeyColumn = "Invoice Key";
            o.UpdatedAtColumn = "Changed At";
        });

        var pages = await ReadAllAsync(source, pageSize: 1);
        var keys = await source.ListKeysAsync(Job, CancellationToken.None).ToListAsync();
        var found = await source.GetAsync(Job, "b", CancellationToken.None);

        pages.SelectMany(p => p.Records).Select(r => (r.Key, r.Value)).Should().Equal(("a", "customer-a"), ("b", "customer-b"), ("c", "customer-c"));
        keys.Should().Equal("a", "b", "c");
        found?.Value.Should().Be("customer-b");
        (await Database.ScalarAsync<bool>("SELECT to_regclass('public.invoices') IS NOT NULL")).Should().BeTrue("the table's name was read as a name, not as SQL");
    }

    [Fact]
    public async Task ReadWindowAsync_RowsAcrossSeveralBatches_ReadsEveryRowFromTheInclusiveStartToTheExclusiveEnd()
    {
        await Database.ExecuteAsync("INSERT INTO invoices SELECT i, 'customer-' || i, timestamptz '2026-01-01T00:00:00Z' + i * interval '1 second' FROM generate_series(1, 2500) AS i");

        var window = await Source().ReadWindowAsync(Job, T0.AddSeconds(100), T0.AddSeconds(2_400), CancellationToken.None).ToListAsync();

        window.Select(r => r.Key).Should().Equal(Enumerable.Range(100, 2_300).Select(i => $"{i}"));
    }

    [Fact]
    public async Task ListKeysAsync_KeysAcrossSeveralBatches_ListsEachOnceInKeyOrder_AndGetAsyncFindsOneOrNone()
    {
        await Database.ExecuteAsync("INSERT INTO invoices SELECT i, 'customer-' || i, now() FROM generate_series(1, 2500) AS i");
        var source = Source();

        var keys = await source.ListKeysAsync(Job, CancellationToken.None).ToListAsync();
        var found = await source.GetAsync(Job, "1234", CancellationToken.None);
        var missing = await source.GetAsync(Job, "2501", CancellationToken.None);

        keys.Should().Equal(Enumerable.Range(1, 2_500).Select(i => $"{i}"));
        found.Should().NotBeNull();
        found!.Value.Key.Should().Be("1234");
        found.Value.Value.Should().Be("customer-1234");
        missing.Should().BeNull();
    }

    [Fact]
    public async Task ReadPageAsync_RoleThatCannotSeeOtherSessions_StopsWithAnAuthorizationErrorNamingTheGrant()
    {
        var role = $"reader_{Guid.NewGuid():N}"[..20];
        await Database.ExecuteAsync($"CREATE ROLE {role} LOGIN; GRANT SELECT ON invoices TO {role}");
        try
        {
            await OpenIdleTransactionAsync("someone-else");
            var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Username = role, Pooling = false }.ConnectionString);
            await using (dataSource)
            {
                var blind = () => Source(dataSource: dataSource).ReadPageAsync(null, new SourceReadContext(Job, 10), CancellationToken.None).AsTask();

                var refused = (await blind.Should().ThrowAsync<SyncException>()).Which;
                await Database.ExecuteAsync($"GRANT pg_read_all_stats TO {role}");
                var page = await Source(dataSource: dataSource).ReadPageAsync(null, new SourceReadContext(Job, 10), CancellationToken.None);

                refused.ErrorClass.Should().Be(ErrorClass.Authorization, "the job stops until an operator grants the role");
                refused.Message.Should().Contain(role).And.Contain("pg_read_all_stats");
                page.Horizon!.HeldBy.Should().Contain("application 'someone-else'");
            }
        }
        finally
        {
            await Database.ExecuteAsync($"REVOKE ALL ON invoices FROM {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task ReadPageAsync_SessionWithTrackActivitiesOff_StopsNamingTheSetting()
    {
        var untracked = Track(new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database.ConnectionString) { Pooling = false }.ConnectionString));
        await untracked.OpenAsync();
        await using (var command = new NpgsqlCommand("SET track_activities = off; SELECT 1", untracked))
        {
            await command.ExecuteNonQueryAsync();
        }

        var read = () => Source().ReadPageAsync(null, new SourceReadContext(Job, 10), CancellationToken.None).AsTask();

        (await read.Should().ThrowAsync<SyncException>()).Which.Message.Should().Contain("track_activities");
    }

    [Fact]
    public async Task ReadPageAsync_ChangeTimeWithoutTimeZone_StopsNamingTheColumnType()
    {
        await Database.ExecuteAsync("CREATE TABLE local_invoices (id bigint PRIMARY KEY, customer text, updated_at timestamp NOT NULL)");

        var read = () => Source(o => o.Table = "local_invoices").ReadPageAsync(null, new SourceReadContext(Job, 10), CancellationToken.None).AsTask();

        (await read.Should().ThrowAsync<SyncException>()).Which.Message.Should().Contain("timestamp without time zone");
    }

    [Fact]
    public void Constructor_InvalidSettings_ThrowNamingEach()
    {
        var create = () => Source(o =>
        {
            o.Table = string.Empty;
            o.KeyColumn = "id\0";
            o.UpdatedAtColumn = new string('x', 64);
            o.HorizonMargin = TimeSpan.FromSeconds(-1);
        });

        create.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("PostgresTableSourceOptions.Table").And.Contain("PostgresTableSourceOptions.KeyColumn")
            .And.Contain("PostgresTableSourceOptions.UpdatedAtColumn").And.Contain("PostgresTableSourceOptions.HorizonMargin");
    }
}
