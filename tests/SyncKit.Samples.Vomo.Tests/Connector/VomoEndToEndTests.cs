using System.Globalization;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;
using Xunit.Abstractions;

namespace SyncKit.Samples.Vomo.Tests.Connector;

/// <summary>
/// A hostile tenant (shifting offsets, bulk-import ties, replica lag, 429s, 500/503, slow and dropped responses)
/// with live changes, synced by polling alone: once changes stop and the lag passes, the CRM equals VOMO.
/// </summary>
public sealed class VomoEndToEndTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(20261125)]
    [InlineData(4711)]
    public async Task Sync_HostileTenantWithLiveChanges_CrmMatchesVomoWithoutReconciliation(int seed)
    {
        output.WriteLine($"seed {seed}");
        var lag = TimeSpan.FromSeconds(2);
        await using var sim = await SimulatorHarness.StartAsync(
            users: 600,
            projects: 40,
            groups: 12,
            bulkImportShare: 0.6,
            maxLag: lag,
            rateLimit: new RateLimitOptions { PermitsPerSecond = 40, Burst = 20 },
            faults: FaultOptions.Hostile with { LostCreateResponses = 0 },
            changes: new ChangeOptions { PerSecond = 20, StartImmediately = true },
            seed: seed);
        var time = sim.Time;
        var store = new InMemorySyncStateStore(time);
        var engine = new SyncEngine(store, time);
        var client = sim.Client(requestTimeout: TimeSpan.FromSeconds(5));
        var sourceOptions = new VomoSourceOptions { ReplicaLag = lag };
        var users = new InMemoryCrm<VomoUser>(u => u.UpdatedAt);
        var projects = new InMemoryCrm<VomoProject>(p => p.UpdatedAt);
        var groups = new InMemoryCrm<VomoGroupRecord>(g => g.Group.UpdatedAt);
        var jobs = new Func<Task<RunRecord>>[]
        {
            Job(engine, "users", new VomoSource<VomoUser>(client, VomoResources.Users, sourceOptions), users, VomoRecordSerializers.Users),
            Job(engine, "projects", new VomoSource<VomoProject>(client, VomoResources.Projects, sourceOptions), projects, VomoRecordSerializers.Projects),
            Job(engine, "groups", new VomoGroupSource(client, sourceOptions), groups, VomoRecordSerializers.Groups),
        };

        var cycles = 0;
        await using (new ClockPump(time, TimeSpan.FromMilliseconds(20)))
        {
            var liveUntil = time.GetUtcNow().AddSeconds(40);
            while (time.GetUtcNow() < liveUntil)
            {
                await Task.WhenAll(jobs.Select(j => j()));
                cycles++;
            }

            sim.Simulator.StopChanges();
            await Task.Delay(lag + TimeSpan.FromSeconds(1), time);

            // One successful run per job: a run succeeds only once its window is done.
            foreach (var job in jobs)
            {
                for (var attempt = 0; (await job()).Outcome != RunOutcome.Succeeded; attempt++)
                {
                    attempt.Should().BeLessThan(10, $"a run should succeed (seed {seed})");
                }
            }
        }

        output.WriteLine($"{cycles} live cycles; {sim.Tenant.Users().Count} users, {sim.Tenant.Projects().Count} projects, {sim.Tenant.Groups().Count} groups");
        var runs = await store.Runs.QueryRunsAsync(new RunQuery { Limit = 100_000 }, default);
        output.WriteLine($"{runs.Count} runs, {runs.Sum(r => r.Counts.Retried)} retries, errors: {string.Join(", ", runs.SelectMany(r => r.ErrorsByClass).GroupBy(p => p.Key).Select(g => $"{g.Key}={g.Sum(p => p.Value)}"))}");
        runs.SelectMany(r => r.ErrorsByClass.Keys).Should().Contain([ErrorClass.Transient, ErrorClass.RateLimited], "the faults and the budget were on");

        // Deletions need reconciliation (they vanish without a trace), so the CRM may hold extra rows; every row
        // VOMO holds must be there, field by field, including changes made while the sync paged.
        Mismatches(
            Project(sim.Tenant.Users(), u => u.Id, u => ((string?)u.FirstName, (string?)u.LastName, (string?)u.Email, u.Phone, u.Address, (string?)u.MembershipStatus, u.UpdatedAt)),
            Project(users.Rows.Values, u => u.Id, u => (u.FirstName, u.LastName, u.Email, u.Phone, u.Address, u.MembershipStatus, u.UpdatedAt)))
            .Should().BeEmpty($"every user VOMO holds is in the CRM as VOMO holds it (seed {seed})");
        Mismatches(
            Project(sim.Tenant.Projects(), p => p.Id, p => ((string?)p.Name, (string?)p.Description, p.Active, p.Published, p.UpdatedAt)),
            Project(projects.Rows.Values, p => p.Id, p => (p.Name, p.Description, p.Active, p.Published, p.UpdatedAt)))
            .Should().BeEmpty($"every project VOMO holds is in the CRM as VOMO holds it (seed {seed})");
        Mismatches(
            Project(sim.Tenant.Groups(), g => g.Id, g => ((string?)g.Name, g.Description, g.ParentId, g.UpdatedAt)),
            Project(groups.Rows.Values, g => g.Group.Id, g => (g.Group.Name, g.Group.Description, g.Group.ParentId, g.Group.UpdatedAt)))
            .Should().BeEmpty($"every group VOMO holds is in the CRM as VOMO holds it (seed {seed})");
    }

    private static List<string> Mismatches(Dictionary<long, string> vomo, Dictionary<long, string> crm) =>
        vomo.Where(p => !crm.TryGetValue(p.Key, out var row) || row != p.Value)
            .Select(p => $"{p.Key}: VOMO {p.Value}, CRM {(crm.TryGetValue(p.Key, out var row) ? row : "missing")}")
            .ToList();

    private static Dictionary<long, string> Project<T, TFields>(IEnumerable<T> rows, Func<T, long> id, Func<T, TFields> fields) =>
        rows.ToDictionary(id, r => string.Create(CultureInfo.InvariantCulture, $"{fields(r)}"));

    private static Func<Task<RunRecord>> Job<T>(SyncEngine engine, string stream, ISource<T> source, IDestination<T> destination, IRecordSerializer<T> serializer)
    {
        var job = new SyncJob<T>(new JobId("acme", stream), source, destination, serializer)
        {
            Options = new SyncJobOptions
            {
                Lookback = TimeSpan.FromSeconds(10),
                SourceName = "vomo:acme",
                MaxRetryAttempts = 10,
                RetryBaseDelay = TimeSpan.FromMilliseconds(200),
                RetryMaxDelay = TimeSpan.FromSeconds(10),
                AttemptTimeout = TimeSpan.FromMinutes(2),
                BatchSize = 50,
            },
        };
        return () => engine.RunAsync(job);
    }
}
