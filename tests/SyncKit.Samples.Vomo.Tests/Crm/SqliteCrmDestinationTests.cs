using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Tests.Support;
using SyncKit.Sqlite;

namespace SyncKit.Samples.Vomo.Tests.Crm;

/// <summary>The CRM tables of the sample README ("Destination schema") on SQLite, written in the state store's transaction.</summary>
public sealed class SqliteCrmDestinationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vomo-crm-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task RunAsync_TenantSyncedIntoSqlite_FillsTheCrmTablesAsSampleMdDescribes()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 50, projects: 4, groups: 3);
        using var store = await OpenStoreAsync(sim.Time);
        var engine = new SyncEngine(store, sim.Time);
        var client = sim.Client();

        await engine.RunAsync(UsersJob(client, sim));
        await engine.RunAsync(new SyncJob<VomoProject>(new JobId("acme", "projects"), new VomoSource<VomoProject>(client, VomoResources.Projects), new SqliteCrmDestination<VomoProject>(CrmTable<VomoProject>.Projects), VomoRecordSerializers.Projects));
        await engine.RunAsync(new SyncJob<VomoGroupRecord>(new JobId("acme", "groups"), new VomoGroupSource(client), new SqliteCrmDestination<VomoGroupRecord>(CrmTable<VomoGroupRecord>.Groups), VomoRecordSerializers.Groups));

        var user = sim.Tenant.Users()[5];
        Query($"SELECT email, first_name, last_name, phone, status, source_updated_at, deleted_at FROM crm_contacts WHERE tenant = 'acme' AND external_id = 'vomo-{user.Id}'")
            .Should().Equal(user.Email, user.FirstName, user.LastName, (object?)user.Phone ?? DBNull.Value, user.MembershipStatus, user.UpdatedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), DBNull.Value);
        Query("SELECT count(*) FROM crm_contacts")[0].Should().Be(50L);
        var project = sim.Tenant.Projects()[0];
        Query($"SELECT published, active, project_type FROM crm_projects WHERE external_id = 'vomo-{project.Id}'")
            .Should().Equal(project.Published ? 1L : 0L, project.Active ? 1L : 0L, project.ProjectType);
        var group = sim.Tenant.Groups().First(g => sim.Tenant.Members(g.Id).Count > 1);
        var members = sim.Tenant.Members(group.Id).Select(id => $"\"vomo-{id}\"").Order(StringComparer.Ordinal);
        Query($"SELECT member_external_ids FROM crm_groups WHERE external_id = 'vomo-{group.Id}'")[0].Should().Be($"[{string.Join(",", members)}]");
        Query("SELECT count(*) FROM crm_outbox")[0].Should().Be((long)sim.Tenant.Users().Count(u => u.MembershipStatus == "ACCEPTED"));
        Query("SELECT payload FROM crm_outbox LIMIT 1")[0].Should().BeOfType<string>().Which.Should().MatchRegex("""^\{"tenant":"acme","user_id":"\d+","email":".+"\}$""");
    }

    [Fact]
    public async Task RunAsync_UserAcceptedLaterAndRowsReRead_WelcomesOnceAndSkipsStaleWrites()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 20);
        using var store = await OpenStoreAsync(sim.Time);
        var engine = new SyncEngine(store, sim.Time);
        var client = sim.Client();
        var pending = sim.Tenant.Users().First(u => u.MembershipStatus == "PENDING");
        await engine.RunAsync(UsersJob(client, sim));
        var welcomed = (long)Query("SELECT count(*) FROM crm_outbox")[0]!;

        sim.Time.Advance(TimeSpan.FromMinutes(1));
        sim.Tenant.UpdateUser(pending.Id, u => u with { MembershipStatus = "ACCEPTED" });
        await engine.RunAsync(UsersJob(client, sim));
        sim.Time.Advance(TimeSpan.FromMinutes(1));
        sim.Tenant.UpdateUser(pending.Id, u => u with { Phone = "+1-555-000-0000" });
        await engine.RunAsync(UsersJob(client, sim));
        var stale = await WriteDirectlyAsync(store, new VomoUser { Id = pending.Id, Email = "old@example.org", MembershipStatus = "ACCEPTED", CreatedAt = pending.CreatedAt, UpdatedAt = pending.UpdatedAt });

        Query("SELECT count(*) FROM crm_outbox")[0].Should().Be(welcomed + 1, "the newly accepted user is welcomed once, not again when it changes");
        Query($"SELECT count(*) FROM crm_outbox WHERE idempotency_key = 'welcome:acme:{pending.Id}'")[0].Should().Be(1L);
        stale.Should().Be(RecordOutcomeKind.Skipped);
        Query($"SELECT phone FROM crm_contacts WHERE external_id = 'vomo-{pending.Id}'")[0].Should().Be("+1-555-000-0000");
    }

    [Fact]
    public async Task OverwriteAsync_RowHoldingALaterChangeTime_IsReplacedWhereAWriteIsSkipped()
    {
        var time = new FakeTimeProvider(SimulatorHarness.T0);
        using var store = await OpenStoreAsync(time);
        var later = new VomoUser { Id = 7, Email = "later@example.org", MembershipStatus = "PENDING", CreatedAt = SimulatorHarness.T0, UpdatedAt = SimulatorHarness.T0.AddSeconds(2) };
        var final = later with { Email = "final@example.org", UpdatedAt = SimulatorHarness.T0.AddSeconds(1) };
        await WriteDirectlyAsync(store, later);

        var written = await WriteDirectlyAsync(store, final);
        var overwritten = await WriteDirectlyAsync(store, final, overwrite: true);

        written.Should().Be(RecordOutcomeKind.Skipped, "an ordinary write keeps the later change time");
        overwritten.Should().Be(RecordOutcomeKind.Written);
        Query("SELECT email, source_updated_at FROM crm_contacts WHERE external_id = 'vomo-7'").Should().Equal("final@example.org", "2026-03-02T09:00:01Z");
    }

    [Fact]
    public async Task RunAsync_WelcomeHeldByAnotherAttempt_DeadLettersTheUserAndTheRedriveAfterTheHoldWelcomesOnce()
    {
        var time = new FakeTimeProvider(SimulatorHarness.T0.AddHours(1));
        using var store = await OpenStoreAsync(time);
        var destination = new SqliteCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts, SqliteCrmDestination<VomoUser>.WelcomeAccepted, time);

        await WelcomeHeldElsewhereScenario.RunAsync(store, time, destination, key => Task.FromResult((long)Query($"SELECT count(*) FROM crm_outbox WHERE idempotency_key = '{key}'")[0]!));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private async Task<SqliteSyncStateStore> OpenStoreAsync(TimeProvider time)
    {
        var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = _path }, time);
        await store.InitializeAsync();
        await CrmSchema.EnsureCreatedAsync($"Data Source={_path}", default);
        return store;
    }

    private static SyncJob<VomoUser> UsersJob(VomoClient client, SimulatorHarness sim) =>
        new(new JobId("acme", "users"), new VomoSource<VomoUser>(client, VomoResources.Users), new SqliteCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts, SqliteCrmDestination<VomoUser>.WelcomeAccepted, sim.Time), VomoRecordSerializers.Users);

    private static async Task<RecordOutcomeKind> WriteDirectlyAsync(SqliteSyncStateStore store, VomoUser user, bool overwrite = false)
    {
        var job = new JobId("acme", "users");
        await using var transaction = await store.BeginTransactionAsync(job, default);
        var destination = new SqliteCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts, SqliteCrmDestination<VomoUser>.WelcomeAccepted);
        var batch = new DestinationBatch<VomoUser>(job, "run", [new SourceRecord<VomoUser>("1", Cursor.FromSequence(1), user)], transaction, transaction.Dedup);
        var outcomes = overwrite ? await destination.OverwriteAsync(batch, default) : await destination.WriteAsync(batch, default);
        await transaction.CommitAsync(default);
        return outcomes[0].Kind;
    }

    private object?[] Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue($"'{sql}' should return a row");
        var values = new object?[reader.FieldCount];
        reader.GetValues(values!);
        return values;
    }
}
