using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Sqlite;

namespace SyncKit.Benchmarks.Vomo;

/// <summary>
/// A first sync of 20,000 users of one VOMO organization (the simulator on loopback, faults and rate limit off,
/// seeded data, pages of 15) into <c>crm_contacts</c> in a fresh SQLite file, WAL with <c>synchronous=FULL</c> on
/// both sides. The baseline is the loop a team would write by hand: follow the pages of <c>GET /users</c> (filtered
/// by <c>updated_after</c> from its checkpoint), upsert each page and advance a checkpoint row in one transaction,
/// one request after another. The measured side is the sample's connector and CRM destination on the engine.
/// </summary>
public class VomoEndToEndBenchmarks
{
    private const int Users = 20_000;
    private const string Tenant = "acme";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private VomoSimulator? _simulator;
    private HttpClient? _http;
    private string? _directory;

    private string DatabasePath => Path.Combine(_directory!, "crm.db");

    [GlobalSetup]
    public void StartSimulator()
    {
        _simulator = VomoSimulator.StartAsync(new SimulatorOptions
        {
            Seed = 20261125,
            Tenants = [new TenantOptions { Name = Tenant, Users = Users, Projects = 1, Groups = 1 }],
            MaxReplicaLag = TimeSpan.Zero,
            RateLimit = null,
            Faults = FaultOptions.None,
            Changes = new ChangeOptions { StartImmediately = false },
        }).GetAwaiter().GetResult();
        _http = new HttpClient();
    }

    [GlobalCleanup]
    public void StopSimulator()
    {
        _http!.Dispose();
        _simulator!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationSetup]
    public void CreateDatabase()
    {
        _directory = Directory.CreateTempSubdirectory("synckit-vomo-bench-").FullName;
        CrmSchema.EnsureCreatedAsync(ConnectionString(), CancellationToken.None).GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory!, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> HandWrittenLoop()
    {
        await using var connection = new SqliteConnection(ConnectionString());
        await connection.OpenAsync();
        Execute(connection, """
            PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS sync_checkpoints (tenant TEXT NOT NULL, stream TEXT NOT NULL, updated_after TEXT NOT NULL,
                                                        page INTEGER NOT NULL, PRIMARY KEY (tenant, stream));
            """);

        // Resume from the checkpoint (a minute earlier, for changes that show late); a fresh database reads everything.
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT updated_after FROM sync_checkpoints WHERE tenant = $tenant AND stream = 'users'";
        read.Parameters.AddWithValue("$tenant", Tenant);
        var since = await read.ExecuteScalarAsync() is string text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).AddMinutes(-1) : (DateTimeOffset?)null;

        await using var upsert = connection.CreateCommand();
        upsert.CommandText = """
            INSERT INTO crm_contacts (tenant, external_id, email, first_name, last_name, phone, status, source_updated_at, deleted_at)
            VALUES ($tenant, $external_id, $email, $first_name, $last_name, $phone, $status, $source_updated_at, NULL)
            ON CONFLICT (tenant, external_id) DO UPDATE SET email = excluded.email, first_name = excluded.first_name,
                last_name = excluded.last_name, phone = excluded.phone, status = excluded.status,
                source_updated_at = excluded.source_updated_at, deleted_at = NULL
            WHERE unixepoch(excluded.source_updated_at, 'subsec') >= unixepoch(crm_contacts.source_updated_at, 'subsec')
            """;
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = """
            INSERT INTO sync_checkpoints (tenant, stream, updated_after, page) VALUES ($tenant, 'users', $updated_after, $page)
            ON CONFLICT (tenant, stream) DO UPDATE SET updated_after = excluded.updated_after, page = excluded.page
            """;

        var newest = since ?? DateTimeOffset.MinValue;
        var written = 0;
        for (var page = 1; ; page++)
        {
            var query = since is { } after ? $"users?updated_after={Uri.EscapeDataString(after.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))}&page={page}" : $"users?page={page}";
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_simulator!.BaseUrl, query));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _simulator.Tenants[0].Token);
            using var response = await _http!.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<UserPage>(Json) ?? throw new InvalidOperationException("An empty page.");

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            upsert.Transaction = transaction;
            checkpoint.Transaction = transaction;
            foreach (var user in body.Data)
            {
                upsert.Parameters.Clear();
                upsert.Parameters.AddWithValue("$tenant", Tenant);
                upsert.Parameters.AddWithValue("$external_id", CrmFormat.ExternalId(user.Id));
                upsert.Parameters.AddWithValue("$email", (object?)user.Email ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$first_name", (object?)user.FirstName ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$last_name", (object?)user.LastName ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$phone", (object?)user.Phone ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$status", (object?)user.MembershipStatus ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$source_updated_at", CrmFormat.SourceTime(user.UpdatedAt));
                written += await upsert.ExecuteNonQueryAsync();
                newest = user.UpdatedAt > newest ? user.UpdatedAt : newest;
            }

            checkpoint.Parameters.Clear();
            checkpoint.Parameters.AddWithValue("$tenant", Tenant);
            checkpoint.Parameters.AddWithValue("$updated_after", newest.ToString("O", CultureInfo.InvariantCulture));
            checkpoint.Parameters.AddWithValue("$page", page);
            await checkpoint.ExecuteNonQueryAsync();
            await transaction.CommitAsync();

            if (body.Links.Next is null || body.Data.Count == 0)
            {
                return Verified(written);
            }
        }
    }

    /// <summary>The sample as it ships: <see cref="VomoSourceOptions"/>' defaults, pages read ahead of the writes.</summary>
    [Benchmark]
    public Task<int> SyncKitSample() => RunSampleAsync(new VomoSourceOptions());

    /// <summary>The sample reading strictly one page after another, to show what reading ahead buys.</summary>
    [Benchmark]
    public Task<int> SyncKitSampleWithoutReadAhead() => RunSampleAsync(new VomoSourceOptions { ReadAheadPages = 0 });

    private async Task<int> RunSampleAsync(VomoSourceOptions sourceOptions)
    {
        using var store = new SqliteSyncStateStore(new SqliteStateStoreOptions { ConnectionString = DatabasePath, Durability = SqliteDurability.Full });
        await store.InitializeAsync();
        var engine = new SyncEngine(store);
        var client = new VomoClient(_http!, new VomoConnection(_simulator!.Tenants[0].Token, _simulator.BaseUrl));
        var job = new SyncJob<VomoUser>(
            new JobId(Tenant, "users"),
            new VomoSource<VomoUser>(client, VomoResources.Users, sourceOptions),
            new SqliteCrmDestination<VomoUser>(CrmTable<VomoUser>.Contacts),
            VomoRecordSerializers.Users)
        {
            Options = new SyncJobOptions { SourceName = $"vomo:{Tenant}", Lookback = TimeSpan.FromMinutes(1) },
        };
        var run = await engine.RunAsync(job);
        if (run.Outcome != RunOutcome.Succeeded)
        {
            throw new InvalidOperationException($"The run ended {run.Outcome}.");
        }

        return Verified((int)run.Counts.Written);
    }

    private int Verified(int written)
    {
        // Both sides must have done the whole sync, or the comparison means nothing.
        using var connection = new SqliteConnection(ConnectionString());
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM crm_contacts";
        var rows = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        return rows == Users ? written : throw new InvalidOperationException($"crm_contacts holds {rows} rows, not {Users}.");
    }

    private string ConnectionString() => new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record UserPage(IReadOnlyList<PageUser> Data, PageLinks Links);

    private sealed record PageLinks(string? Next);

    private sealed record PageUser(long Id, string? Email, string? FirstName, string? LastName, string? Phone, string? MembershipStatus, DateTimeOffset UpdatedAt);
}
