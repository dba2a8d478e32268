using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using SyncKit.CrashHost;
using SyncKit.Samples.Vomo.Crm;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;
using Xunit.Abstractions;

namespace SyncKit.Samples.Vomo.Tests.EndToEnd;

/// <summary>
/// The sample as a real process against a hostile VOMO (three tenants of 5,000 users with their projects and groups,
/// every fault on, live changes): `sync` is SIGKILLed at ten random instants and started again. Once changes stop,
/// last `sync`s and a `reconcile --mode full` leave the CRM equal to VOMO field by field (what VOMO no longer holds
/// soft-deleted, group members included), and the welcome webhook has seen every accepted user, with no more
/// repeated deliveries than kills (a process posts one welcome at a time, each marked sent in its own commit). Each
/// store runs it through a class of its own.
/// </summary>
public abstract class SampleCrashScenario(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 10;
    private const int Jobs = 9;
    private static readonly TimeSpan ReplicaLag = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);
    private static readonly string SampleDll = Path.Combine(AppContext.BaseDirectory, "SyncKit.Samples.Vomo.dll");

    /// <summary>Each process started, in order: the first webhook delivery it made, and whether it was killed.</summary>
    private readonly List<(int FirstDelivery, bool Killed)> _runs = [];
    private WebhookReceiver? _webhook;

    /// <summary>The sample's <c>--store</c> argument.</summary>
    protected abstract string Store { get; }

    /// <summary>The rows <paramref name="sql"/> selects from the CRM, as the database returns the values.</summary>
    protected abstract Task<List<object?[]>> QueryAsync(string sql);

    /// <summary>Every row <paramref name="command"/> selects.</summary>
    protected static async Task<List<object?[]>> ReadAllAsync(DbCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            reader.GetValues(row!);
            rows.Add(row);
        }

        return rows;
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Sync_KilledAtRandomInstantsUnderFaultsAndLiveChanges_CrmEqualsVomoAfterFullReconcile()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SYNCKIT_CRASH_SEED"), CultureInfo.InvariantCulture, out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set SYNCKIT_CRASH_SEED to replay)");
        var random = new Random(seed);

        // The simulator runs on the real clock here, since the sample process does: its lag, budget and faults are
        // real. Its defaults are the scale of the issue: three tenants of 5,000 users, 60 projects and 40 groups each.
        await using var simulator = await VomoSimulator.StartAsync(new SimulatorOptions
        {
            Seed = seed,
            MaxReplicaLag = ReplicaLag,
            RateLimit = new RateLimitOptions { PermitsPerSecond = 100, Burst = 20 },
            Faults = FaultOptions.Hostile with { SlowResponseDelay = TimeSpan.FromSeconds(3) },
            Changes = new ChangeOptions { PerSecond = 5 },
        });
        simulator.Tenants.Should().HaveCount(3).And.OnlyContain(t => t.Users().Count >= 5_000 && t.Projects().Count > 0 && t.Groups().Count > 0);
        await using var webhook = _webhook = await WebhookReceiver.StartAsync();
        string[] common =
        [
            "--vomo-url", simulator.BaseUrl.ToString(), "--store", Store, "--webhook", webhook.Url.ToString(),
            .. simulator.Tenants.SelectMany(t => new[] { "--token", $"{t.Name}={t.Token}" }),
        ];
        string[] sync = ["sync", .. common];

        var killed = 0;
        for (var start = 0; killed < Kills; start++)
        {
            start.Should().BeLessThan(4 * Kills, $"the sample should run long enough to be killed (seed {seed})");
            // Progress lines come once a second; up to eight lets a process get past start-up and its first reads into
            // the writes (and their welcomes) more often than not.
            var killAfter = random.Next(1, 9);
            var run = await RunSampleAsync(sync, killAfter);
            if (run.Killed)
            {
                killed++;
                output.WriteLine($"kill {killed} after {killAfter} progress lines");
            }
            else
            {
                run.ExitCode.Should().Be(0, $"a cycle that ends succeeds (seed {seed}):\n{run.Output}");
            }
        }

        // Let every change become visible (the replica lag is real time), then sync until every job's window is
        // done: a run succeeds only once its window closed.
        simulator.StopChanges();
        await Task.Delay(ReplicaLag + TimeSpan.FromSeconds(1));

        await RunUntilEveryJobSucceedsAsync(sync, " Succeeded ", seed);

        // VOMO then loses records the CRM holds, which polling cannot see go, and a member (which keeps its group's
        // updated_at), so that reconciliation surely has those to find whatever the seed drew; then reconcile every
        // tenant and resource in full.
        var gone = new Dictionary<string, List<(string Table, long Id)>>();
        foreach (var tenant in simulator.Tenants)
        {
            gone[tenant.Name] = await RemoveSomeAsync(tenant, random);
        }

        await Task.Delay(ReplicaLag + TimeSpan.FromSeconds(1));
        await RunUntilEveryJobSucceedsAsync(["reconcile", "--mode", "full", .. common], " full: checked ", seed);

        var deliveries = webhook.Received.ToList();
        deliveries.Should().OnlyContain(d => d.Status == 200);
        foreach (var tenant in simulator.Tenants)
        {
            var users = tenant.Users();
            await AssertTableAsync(tenant, "crm_contacts", "email, first_name, last_name, phone, status", users.ToDictionary(
                u => u.Id, u => Row(u.Email, u.FirstName, u.LastName, u.Phone, u.MembershipStatus, CrmFormat.SourceTime(u.UpdatedAt))), seed);
            await AssertTableAsync(tenant, "crm_projects", "name, description, project_type, published, active", tenant.Projects().ToDictionary(
                p => p.Id, p => Row(p.Name, p.Description, p.ProjectType, p.Published ? "1" : "0", p.Active ? "1" : "0", CrmFormat.SourceTime(p.UpdatedAt))), seed);
            await AssertTableAsync(tenant, "crm_groups", "name, description, parent_external_id, member_external_ids", tenant.Groups().ToDictionary(
                g => g.Id, g => Row(g.Name, g.Description, g.ParentId is { } parent ? CrmFormat.ExternalId(parent) : null, Members(tenant.Members(g.Id)), CrmFormat.SourceTime(g.UpdatedAt))), seed);
            foreach (var (table, id) in gone[tenant.Name])
            {
                (await QueryAsync($"SELECT deleted_at FROM {table} WHERE tenant = '{tenant.Name}' AND external_id = '{CrmFormat.ExternalId(id)}'"))
                    .Should().ContainSingle().Which[0].Should().NotBeNull($"VOMO no longer holds {tenant.Name}'s {id}, so {table} soft-deletes it (seed {seed})");
            }

            // A welcome goes to a user the first time it is seen ACCEPTED; PENDING never follows ACCEPTED or BANNED.
            var welcomed = deliveries.Select(d => d.IdempotencyKey).Where(k => k!.StartsWith($"welcome:{tenant.Name}:", StringComparison.Ordinal)).ToHashSet();
            var accepted = users.Where(u => u.MembershipStatus == "ACCEPTED").Select(u => WelcomeKey(tenant, u)).ToList();
            accepted.Should().NotBeEmpty();
            accepted.Except(welcomed).Should().BeEmpty($"every accepted user of {tenant.Name} is welcomed (seed {seed})");
            users.Where(u => u.MembershipStatus == "PENDING").Select(u => WelcomeKey(tenant, u)).Intersect(welcomed)
                .Should().BeEmpty($"a user never seen ACCEPTED is not welcomed (seed {seed})");
            output.WriteLine($"{tenant.Name}: {users.Count} users ({accepted.Count} accepted, {welcomed.Count} welcomed), {tenant.Projects().Count} projects, {tenant.Groups().Count} groups");
        }

        deliveries.Should().OnlyContain(d => WelcomeMatchesItsKey(d.IdempotencyKey, d.Body), "a welcome's body names the user its Idempotency-Key does");
        var repeats = AssertRepeatsOnlyFromKilledSendWindows([.. deliveries.Select(d => d.IdempotencyKey!)], seed);
        var reported = Convert.ToInt64((await QueryAsync("SELECT count(*) FROM vomo_welcomes WHERE sent_at IS NOT NULL AND started > attempts"))[0][0], CultureInfo.InvariantCulture);
        output.WriteLine($"{reported} welcome(s) reported as possibly repeated");
        reported.Should().BeInRange(repeats, Kills, $"every repeat is reported, and each kill cuts at most one post short (seed {seed})");
    }

    /// <summary>
    /// A batch makes its welcomes due in its transaction; after the commit the process posts them one at a time, each
    /// marked sent in a commit of its own before the next is posted. So a kill repeats at most the one welcome it cut
    /// off between its post and that commit, and that is the only repeat: no process delivers a welcome twice, a
    /// process that ends repeats none of its welcomes later, and a killed one repeats at most one.
    /// </summary>
    /// <returns>How many deliveries repeated an earlier one.</returns>
    private int AssertRepeatsOnlyFromKilledSendWindows(List<string> keys, int seed)
    {
        var lastRun = new Dictionary<string, int>();
        var runs = _runs.Select((run, r) => (run.Killed, Keys: keys[run.FirstDelivery..(r + 1 < _runs.Count ? _runs[r + 1].FirstDelivery : keys.Count)])).ToList();
        for (var r = 0; r < runs.Count; r++)
        {
            runs[r].Keys.Should().OnlyHaveUniqueItems($"process {r + 1} welcomes a user at most once (seed {seed})");
            runs[r].Keys.ForEach(k => lastRun[k] = r);
        }

        var repeats = 0;
        for (var r = 0; r < runs.Count; r++)
        {
            var repeated = runs[r].Keys.Where(k => lastRun[k] > r).ToList();
            repeats += repeated.Count;
            if (!runs[r].Killed)
            {
                repeated.Should().BeEmpty($"process {r + 1} ended, so it committed every welcome it delivered (seed {seed})");
                continue;
            }

            repeated.Should().HaveCountLessThanOrEqualTo(1, $"process {r + 1}, killed, repeats at most the welcome it was posting (seed {seed})");
            output.WriteLine($"process {r + 1} (killed) delivered {runs[r].Keys.Count} welcomes; {repeated.Count} delivered again later");
        }

        output.WriteLine($"{keys.Count} welcome deliveries, {repeats} repeats, after {Kills} kills");
        repeats.Should().Be(keys.Count - keys.Distinct().Count());
        repeats.Should().BeLessThanOrEqualTo(Kills, $"each kill repeats at most one welcome (seed {seed})");
        return repeats;
    }

    /// <summary>The sample's settings for this simulator: just under its budget, its replica lag, quick retries.</summary>
    private static IReadOnlyDictionary<string, string> Tuning { get; } = new Dictionary<string, string>
    {
        ["Vomo__RequestsPerSecond"] = "90",
        ["Vomo__RequestTimeout"] = "00:00:01.5",
        ["Vomo__ReplicaLag"] = "00:00:02",
        ["Vomo__RetryBaseDelay"] = "00:00:00.1",
    };

    private static string WelcomeKey(SimulatedTenant tenant, SimUser user) =>
        string.Create(CultureInfo.InvariantCulture, $"welcome:{tenant.Name}:{user.Id}");

    private static bool WelcomeMatchesItsKey(string? key, string body)
    {
        var welcome = JsonDocument.Parse(body).RootElement;
        return key == $"welcome:{welcome.GetProperty("tenant").GetString()}:{welcome.GetProperty("user_id").GetString()}";
    }

    /// <summary>
    /// Removes from VOMO two users, a project and a group the CRM holds, and moves a member out of a group.
    /// </summary>
    private async Task<List<(string Table, long Id)>> RemoveSomeAsync(SimulatedTenant tenant, Random random)
    {
        var gone = new List<(string Table, long Id)>();
        foreach (var (table, count, remove) in new (string, int, Func<long, bool>)[]
        {
            ("crm_contacts", 2, tenant.RemoveUser), ("crm_projects", 1, tenant.DeleteProject), ("crm_groups", 1, tenant.DeleteGroup),
        })
        {
            var held = (await QueryAsync($"SELECT external_id FROM {table} WHERE tenant = '{tenant.Name}' AND deleted_at IS NULL ORDER BY external_id"))
                .Select(r => CrmFormat.IdOf((string)r[0]!)).ToList();
            for (var i = 0; i < count; i++)
            {
                var id = held[random.Next(held.Count)];
                if (remove(id))
                {
                    gone.Add((table, id));
                }
            }
        }

        var regrouped = tenant.Groups().First(g => tenant.Members(g.Id).Count > 0).Id;
        tenant.ReplaceMembers(regrouped, tenant.Members(regrouped).Skip(1));
        return gone;
    }

    /// <summary>Runs the sample as a process of its own, killed after <paramref name="killAfter"/> progress lines, noting where its welcomes start.</summary>
    private async Task<CrashHostResult> RunSampleAsync(string[] arguments, int killAfter)
    {
        var firstDelivery = _webhook!.Received.Count;
        var run = await CrashHostProcess.RunAsync(SampleDll, arguments, killAfter, RunTimeout, Tuning);
        _runs.Add((firstDelivery, run.Killed));
        return run;
    }

    /// <summary>Runs the sample with <paramref name="arguments"/> until all nine jobs report <paramref name="success"/>.</summary>
    private async Task RunUntilEveryJobSucceedsAsync(string[] arguments, string success, int seed)
    {
        for (var attempt = 0; ; attempt++)
        {
            attempt.Should().BeLessThan(5, $"'{arguments[0]}' should succeed for every job (seed {seed})");
            var run = await RunSampleAsync(arguments, int.MaxValue);
            run.ExitCode.Should().Be(0, $"seed {seed}:\n{run.Output}");
            var results = run.Output.Split('\n').Where(l => l.Contains('/', StringComparison.Ordinal) && !l.StartsWith(' ') && !l.StartsWith("progress", StringComparison.Ordinal)).ToList();
            output.WriteLine($"{arguments[0]} attempt {attempt + 1}:\n{string.Join('\n', results)}");
            if (results.Count == Jobs && results.All(l => l.Contains(success, StringComparison.Ordinal)))
            {
                return;
            }
        }
    }

    /// <summary>The rows VOMO holds are exactly the rows of <paramref name="table"/> not soft-deleted, field by field.</summary>
    private async Task AssertTableAsync(SimulatedTenant tenant, string table, string columns, Dictionary<long, string> vomo, int seed)
    {
        var crm = (await QueryAsync($"SELECT external_id, {columns}, source_updated_at FROM {table} WHERE tenant = '{tenant.Name}' AND deleted_at IS NULL"))
            .ToDictionary(r => CrmFormat.IdOf((string)r[0]!), r => Row([.. r[1..].Select(Cell)]));
        var mismatches = vomo
            .Where(p => !crm.TryGetValue(p.Key, out var row) || row != p.Value)
            .Select(p => $"{p.Key}: VOMO {p.Value}, CRM {(crm.TryGetValue(p.Key, out var row) ? row : "missing")}")
            .Take(20)
            .ToList();
        mismatches.Should().BeEmpty($"{tenant.Name}'s {table} holds every row VOMO holds, field by field (seed {seed})");
        crm.Keys.Except(vomo.Keys).Should().BeEmpty($"what VOMO no longer holds is soft-deleted in {tenant.Name}'s {table} (seed {seed})");
        var deleted = await QueryAsync($"SELECT external_id FROM {table} WHERE tenant = '{tenant.Name}' AND deleted_at IS NOT NULL");
        output.WriteLine($"{tenant.Name} {table}: {vomo.Count} rows match; {deleted.Count} soft-deleted");
    }

    private static string Row(params string?[] fields) => string.Join(" | ", fields.Select(f => f ?? "NULL"));

    private static string Members(IEnumerable<long> ids) => string.Join(",", ids.Select(CrmFormat.ExternalId).Order(StringComparer.Ordinal));

    /// <summary>A value as the comparison spells it, whatever the database's type: flags 1/0, times as the sample README's destination schema writes them, member lists joined.</summary>
    private static string? Cell(object? value) => value switch
    {
        null or DBNull => null,
        bool flag => flag ? "1" : "0",
        DateTime time => CrmFormat.SourceTime(new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc))),
        DateTimeOffset time => CrmFormat.SourceTime(time),
        string text when text.StartsWith('[') => string.Join(",", JsonSerializer.Deserialize<string[]>(text)!),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
