using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Tests.Support;
using SyncKit.TestPostgres;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>The CRM tables of the sample README ("Destination schema") on PostgreSQL, written in the PostgreSQL store's transaction.</summary>
public sealed class PostgresCrmDestinationTests
{
    [Fact]
    public async Task Sync_PostgresStore_FillsTheCrmTablesWithNativeTypesAndWelcomesEachAcceptedUserOnce()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 30, projects: 4, groups: 3);
        var server = await PostgresServer.InstanceAsync();
        var database = $"vomo_{Guid.NewGuid().ToString("N")[..12]}";
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringWith(database, maxPoolSize: 10)) { Database = database }.ConnectionString;
        try
        {
            string[] args = ["sync", "--vomo-url", sim.Simulator.BaseUrl.ToString(), "--store", $"postgres:{connectionString}", "--token", $"acme={sim.Tenant.Token}"];
            var environment = new CommandEnvironment(new ConfigurationBuilder().Build(), sim.Time, TextWriter.Null);

            var exitCode = await CommandLines.RunAsync(environment, args);
            sim.Time.Advance(TimeSpan.FromMinutes(5));
            var again = await CommandLines.RunAsync(environment, args);

            exitCode.Should().Be(ExitCodes.Done);
            again.Should().Be(ExitCodes.Done);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var user = sim.Tenant.Users()[5];
            (await QueryRowAsync(dataSource, $"SELECT email, status, source_updated_at, deleted_at FROM crm_contacts WHERE tenant = 'acme' AND external_id = 'vomo-{user.Id}'"))
                .Should().Equal(user.Email, user.MembershipStatus, user.UpdatedAt.UtcDateTime, DBNull.Value);
            (await QueryRowAsync(dataSource, "SELECT count(*) FROM crm_contacts"))[0].Should().Be(30L);
            var project = sim.Tenant.Projects()[0];
            (await QueryRowAsync(dataSource, $"SELECT published, active FROM crm_projects WHERE external_id = 'vomo-{project.Id}'")).Should().Equal(project.Published, project.Active);
            var group = sim.Tenant.Groups().First(g => sim.Tenant.Members(g.Id).Count > 1);
            var members = sim.Tenant.Members(group.Id).Select(id => $"vomo-{id}").Order(StringComparer.Ordinal);
            (await QueryRowAsync(dataSource, $"SELECT member_external_ids::text FROM crm_groups WHERE external_id = 'vomo-{group.Id}'"))[0]
                .Should().Be($"[{string.Join(", ", members.Select(m => $"\"{m}\""))}]");
            (await QueryRowAsync(dataSource, "SELECT count(*), count(DISTINCT idempotency_key) FROM crm_outbox"))
                .Should().Equal((long)sim.Tenant.Users().Count(u => u.MembershipStatus == "ACCEPTED"), (long)sim.Tenant.Users().Count(u => u.MembershipStatus == "ACCEPTED"));
            (await QueryRowAsync(dataSource, "SELECT payload->>'tenant' FROM crm_outbox LIMIT 1"))[0].Should().Be("acme");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(server.ConnectionString, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task WriteAsync_OlderChangeAfterANewerOne_IsSkippedAndAnUncommittedBatchLeavesNoRow()
    {
        await using var database = await PostgresCrmDatabase.CreateAsync();
        await using var store = database.NewStore(TimeProvider.System);
        await store.StartAsync(default);
        await PostgresCrmSchema.EnsureCreatedAsync(database.ConnectionString, default);
        var destination = new PostgresCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts, CrmWelcomes.Accepted);
        var t0 = SimulatorHarness.T0;
        VomoUser User(long id, string email, int minutes) => new() { Id = id, Email = email, MembershipStatus = "ACCEPTED", CreatedAt = t0, UpdatedAt = t0.AddMinutes(minutes) };

        var first = await WriteAsync(store, destination, commit: true, User(1, "new@example.org", 2), User(2, "two@example.org", 1));
        var stale = await WriteAsync(store, destination, commit: true, User(1, "old@example.org", 1));
        var sameTime = await WriteAsync(store, destination, commit: true, User(2, "same@example.org", 1));
        await WriteAsync(store, destination, commit: false, User(3, "rolled-back@example.org", 1));

        first.Should().Equal(RecordOutcomeKind.Written, RecordOutcomeKind.Written);
        stale.Should().Equal(RecordOutcomeKind.Skipped);
        sameTime.Should().Equal(RecordOutcomeKind.Written);
        (await database.QueryRowAsync("SELECT email FROM crm_contacts WHERE external_id = 'vomo-1'"))[0].Should().Be("new@example.org");
        (await database.QueryRowAsync("SELECT email FROM crm_contacts WHERE external_id = 'vomo-2'"))[0].Should().Be("same@example.org");
        (await database.QueryRowAsync("SELECT count(*) FROM crm_contacts WHERE external_id = 'vomo-3'"))[0].Should().Be(0L);
        (await database.QueryRowAsync("SELECT count(*) FROM crm_outbox"))[0].Should().Be(2L, "users 1 and 2 are welcomed once; user 3's welcome rolled back with its row");
    }

    [Fact]
    public async Task RunAsync_WelcomeHeldByAnotherAttempt_DeadLettersTheUserAndTheRedriveAfterTheHoldWelcomesOnce()
    {
        await using var database = await PostgresCrmDatabase.CreateAsync();
        var time = new FakeTimeProvider(SimulatorHarness.T0.AddHours(1));
        await using var store = database.NewStore(time);
        await store.StartAsync(default);
        await PostgresCrmSchema.EnsureCreatedAsync(database.ConnectionString, default);
        var destination = new PostgresCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts, CrmWelcomes.Accepted, time);

        await WelcomeHeldElsewhereScenario.RunAsync(store, time, destination, async key => (long)(await database.QueryRowAsync($"SELECT count(*) FROM crm_outbox WHERE idempotency_key = '{key}'"))[0]!);
    }

    [Fact]
    public async Task WriteAsync_WithoutTheStoresTransaction_ThrowsNamingThePostgresStore()
    {
        var destination = new PostgresCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts);
        var batch = new DestinationBatch<VomoUser>(new JobId("acme", "users"), "run", [], null, new InMemorySyncStateStore().Dedup);

        var write = async () => await destination.WriteAsync(batch, default);

        await write.Should().ThrowAsync<InvalidOperationException>().WithMessage("*PostgreSQL state store*");
    }

    [Fact]
    public async Task Reconciliation_GroupsAndProjectsWritten_ListsTheWrittenVersionsReadsRowsBackAndSoftDeletesOnce()
    {
        await using var database = await PostgresCrmDatabase.CreateAsync();
        await using var store = database.NewStore(TimeProvider.System);
        await store.StartAsync(default);
        await PostgresCrmSchema.EnsureCreatedAsync(database.ConnectionString, default);
        var clock = new FakeTimeProvider(SimulatorHarness.T0.AddHours(1));
        var groups = new PostgresCrmDestination<VomoGroupRecord>(CrmTable<VomoGroupRecord>.Groups, timeProvider: clock) { DataSource = database.DataSource };
        var projects = new PostgresCrmDestination<VomoProject>(CrmTable<VomoProject>.Projects, timeProvider: clock) { DataSource = database.DataSource };
        var groupJob = new JobId("acme", "groups");
        var projectJob = new JobId("acme", "projects");
        SourceRecord<VomoGroupRecord> Group(long id, params long[] members) =>
            Record(id, new VomoGroupRecord(new VomoGroup { Id = id, Name = $"g{id}", ParentId = id == 1 ? null : 1, CreatedAt = SimulatorHarness.T0, UpdatedAt = SimulatorHarness.T0.AddSeconds(id).AddTicks(1_234_567 * id) }, members));
        var written = new[] { Group(1, 12, 3, 100), Group(2), Group(3, 5) };
        var project = Record(7, new VomoProject { Id = 7, Name = "Beach", ProjectType = "dated", Published = true, Active = false, CreatedAt = SimulatorHarness.T0, UpdatedAt = SimulatorHarness.T0 });
        await WriteAsync(store, groupJob, groups, written);
        await WriteAsync(store, projectJob, projects, project);

        var keys = await ListAsync(groups.ListKeysAsync(groupJob, default));
        var rows = await groups.GetAsync(groupJob, ["1", "3", "99"], default);
        var projectRow = (await projects.GetAsync(projectJob, ["7"], default)).Single();
        await groups.DeleteAsync(groupJob, ["1"], default);
        var deletedAt = (await database.QueryRowAsync("SELECT deleted_at FROM crm_groups WHERE external_id = 'vomo-1'"))[0];
        clock.Advance(TimeSpan.FromHours(1));
        await groups.DeleteAsync(groupJob, ["1", "99"], default);
        var afterDelete = await ListAsync(groups.ListKeysAsync(groupJob, default));

        keys.Should().BeEquivalentTo(written.Select(r => new DestinationKey(r.Key, groups.VersionOf(r))), "a group's version (its members as jsonb, its change time to the microsecond) reads back as it was written");
        rows.Select(r => r.Key).Should().BeEquivalentTo(["1", "3"]);
        rows.Should().OnlyContain(r => CrmTable<VomoGroupRecord>.Groups.Compare(written.Single(w => w.Key == r.Key).Value, r.Value).Count == 0);
        CrmTable<VomoProject>.Projects.Compare(project.Value, projectRow.Value).Should().BeEmpty("booleans read back from PostgreSQL's boolean columns");
        projectRow.Version.Should().Be(projects.VersionOf(project));
        deletedAt.Should().Be(SimulatorHarness.T0.AddHours(1).UtcDateTime);
        (await database.QueryRowAsync("SELECT deleted_at FROM crm_groups WHERE external_id = 'vomo-1'"))[0].Should().Be(deletedAt, "a repeated delete keeps the first time");
        afterDelete.Select(k => k.Key).Should().BeEquivalentTo(["2", "3"]);
    }

    private static SourceRecord<T> Record<T>(long id, T value) => new(id.ToString(System.Globalization.CultureInfo.InvariantCulture), Cursor.FromSequence(id), value);

    private static async Task WriteAsync<T>(ISyncStateStore store, JobId job, IDestination<T> destination, params SourceRecord<T>[] records)
    {
        await using var transaction = await store.BeginTransactionAsync(job, default);
        await destination.WriteAsync(new DestinationBatch<T>(job, "run", records, transaction, transaction.Dedup), default);
        await transaction.CommitAsync(default);
    }

    private static async Task<List<DestinationKey>> ListAsync(IAsyncEnumerable<DestinationKey> keys)
    {
        var list = new List<DestinationKey>();
        await foreach (var key in keys)
        {
            list.Add(key);
        }

        return list;
    }

    private static async Task<RecordOutcomeKind[]> WriteAsync(ISyncStateStore store, IDestination<VomoUser> destination, bool commit, params VomoUser[] users)
    {
        var job = new JobId("acme", "users");
        await using var transaction = await store.BeginTransactionAsync(job, default);
        var records = users.Select(u => new SourceRecord<VomoUser>(u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Cursor.FromSequence(u.Id), u)).ToList();
        var outcomes = await destination.WriteAsync(new DestinationBatch<VomoUser>(job, "run", records, transaction, transaction.Dedup), default);
        if (commit)
        {
            await transaction.CommitAsync(default);
        }

        return [.. outcomes.Select(o => o.Kind)];
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?[]> QueryRowAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).Should().BeTrue($"'{sql}' should return a row");
        var values = new object?[reader.FieldCount];
        reader.GetValues(values!);
        return values;
    }
}
