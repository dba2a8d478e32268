using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Connector.Internal;
using SyncKit.Samples.Vomo.Simulator;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Connector;

/// <summary>The window sources on the engine, against the simulator: offsets that shift, crashes mid-window, lag, members, budget.</summary>
public sealed partial class VomoSourceTests
{
    private static readonly JobId Users = new("acme", "users");

    [Fact]
    public async Task RunAsync_WindowOfOnePage_ReadsItOnceAndCommitsTheNewestTimestamp()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 12, handler: recorder);
        var (engine, store, crm) = Setup(sim.Time);

        var run = await engine.RunAsync(UsersJob(UsersSource(sim), crm));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        recorder.Calls.Select(c => c.PathAndQuery).Should().Equal("/v1/users?page=1");
        crm.Rows.Keys.Should().BeEquivalentTo(sim.Tenant.Users().Select(u => u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        (await store.Checkpoints.GetAsync(Users, default)).Should().Be(new Cursor(sim.Tenant.Users().Max(u => u.UpdatedAt), string.Empty, "0000000001"));
    }

    [Fact]
    public async Task RunAsync_RowMovesWhilePaging_ANaiveReadSkipsARowAndTheSecondPassCatchesIt()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 60, bulkImportShare: 0, handler: recorder);
        var (engine, _, crm) = Setup(sim.Time);
        var moved = false;
        recorder.AfterResponse = call =>
        {
            if (!moved && call == "/v1/users?page=1")
            {
                moved = true;
                sim.Time.Advance(TimeSpan.FromSeconds(1));
                sim.Tenant.UpdateUser(recorder.Calls[0].Ids[2]);
            }
        };

        var run = await engine.RunAsync(UsersJob(UsersSource(sim), crm));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        var firstPass = recorder.Calls.Take(4).SelectMany(c => c.Ids).ToHashSet();
        var truth = sim.Tenant.Users().ToDictionary(u => u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        truth.Keys.Select(long.Parse).Except(firstPass).Should().ContainSingle("following pages once skips the row that shifted onto page 1");
        recorder.Calls.Count(c => c.PathAndQuery == "/v1/users?page=1").Should().BeGreaterThanOrEqualTo(2);
        crm.Rows.Keys.Should().BeEquivalentTo(truth.Keys);
        crm.Rows.Values.Select(u => (u.Id, u.UpdatedAt, u.Phone)).Should().BeEquivalentTo(truth.Values.Select(u => (u.Id, u.UpdatedAt, u.Phone)));
    }

    [Fact]
    public async Task RunAsync_ListHoldsStillWhilePaging_ReadsEachPageOnceAndChecksForChangesOnceInsteadOfASecondPass()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 60, bulkImportShare: 0, handler: recorder);
        var (engine, store, crm) = Setup(sim.Time);

        var run = await engine.RunAsync(UsersJob(UsersSource(sim), crm));

        // The check asks for changes since the first page's Date (the simulator's clock) less the 30 s request timeout and a second.
        var since = new VomoListQuery(UpdatedAfter: sim.Time.GetUtcNow() - TimeSpan.FromSeconds(31)).ToQueryString(1);
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        var calls = recorder.Calls.Select(c => c.PathAndQuery).ToList();
        calls.Should().HaveCount(5);
        calls.Take(4).Should().BeEquivalentTo(["/v1/users?page=1", "/v1/users?page=2", "/v1/users?page=3", "/v1/users?page=4"], "pages read ahead may answer in any order");
        calls[4].Should().Be("/v1/users" + since);
        crm.Rows.Should().HaveCount(60);
        (await store.Checkpoints.GetAsync(Users, default)).Should().Be(new Cursor(sim.Tenant.Users().Max(u => u.UpdatedAt), string.Empty, "0000000001"));
    }

    [Fact]
    public async Task RunAsync_RowVanishesAndOneIsCreatedWhilePaging_TotalsHoldButTheCheckSendsTheWindowToASecondPass()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 60, bulkImportShare: 0, handler: recorder);
        var (engine, _, crm) = Setup(sim.Time);
        var changed = false;
        recorder.AfterResponse = call =>
        {
            if (!changed && call == "/v1/users?page=1")
            {
                changed = true;
                sim.Time.Advance(TimeSpan.FromSeconds(1));
                sim.Tenant.RemoveUser(recorder.Calls[0].Ids[2]);
                sim.Tenant.ImportUsers(1);
            }
        };

        var run = await engine.RunAsync(UsersJob(UsersSource(sim), crm));

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        var firstPass = recorder.Calls.Take(4).SelectMany(c => c.Ids).ToHashSet();
        var truth = sim.Tenant.Users().Select(u => u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        truth.Select(long.Parse).Except(firstPass).Should().ContainSingle("the vanished row shifts one onto page 1, while every page still reports 60 rows");
        firstPass.Should().HaveCount(60, "counting the rows seen cannot tell this pass from a complete one");
        recorder.Calls.Count(c => c.PathAndQuery == "/v1/users?page=1").Should().BeGreaterThanOrEqualTo(2, "the check finds the new row, so the window is read again");
        crm.Rows.Keys.Should().Contain(truth);
    }

    [Fact]
    public async Task RunAsync_StoppedMidWindow_NextRunResumesAtTheCommittedPageInsteadOfPageOne()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 300, bulkImportShare: 0.9, handler: recorder);
        var (engine, store, crm) = Setup(sim.Time);
        using var stop = new CancellationTokenSource();
        crm.BeforeWrite = (_, _) =>
        {
            if (crm.Rows.Count >= 90)
            {
                stop.Cancel();
            }

            return ValueTask.CompletedTask;
        };

        var stopped = await engine.RunAsync(UsersJob(UsersSource(sim), crm), stop.Token);
        var checkpoint = await store.Checkpoints.GetAsync(Users, default);
        crm.BeforeWrite = null;
        recorder.Calls.Clear();
        // A new source stands for a restarted process: nothing of the first run survives but the checkpoint.
        var resumed = await engine.RunAsync(UsersJob(UsersSource(sim), crm));

        stopped.Outcome.Should().Be(RunOutcome.Cancelled);
        checkpoint!.Progress.Should().MatchRegex(@"^0000000000\.001\.\d{7}");
        var committedPage = int.Parse(checkpoint.Progress!.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture);
        committedPage.Should().BeGreaterThan(1);
        recorder.Calls[0].PathAndQuery.Should().MatchRegex(@"page=(\d+)$").And.NotBe("/v1/users?page=1");
        resumed.Outcome.Should().Be(RunOutcome.Succeeded);
        crm.Rows.Should().HaveCount(300);
        (await store.Checkpoints.GetAsync(Users, default))!.Progress.Should().Be("0000000001");
    }

    [Fact]
    public async Task RunAsync_ChangeShownLateWithAnOldTimestamp_IsCaughtByTheNextWindow()
    {
        var lag = TimeSpan.FromSeconds(5);
        await using var sim = await SimulatorHarness.StartAsync(users: 30, maxLag: lag);
        var (engine, _, crm) = Setup(sim.Time);
        var source = UsersSource(sim, lag);
        await engine.RunAsync(UsersJob(source, crm, lag));
        sim.Time.Advance(TimeSpan.FromMinutes(10));

        var changed = sim.Tenant.UpdateUser(sim.Tenant.Users()[7].Id, u => u with { LastName = "Late" })!;
        sim.Time.Advance(TimeSpan.FromSeconds(1));
        sim.Tenant.UpdateUser(sim.Tenant.Users()[9].Id);
        sim.Time.Advance(lag);
        var key = changed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        crm.Rows[key].LastName.Should().NotBe("Late");
        await engine.RunAsync(UsersJob(source, crm, lag));

        crm.Rows[key].LastName.Should().Be("Late");
        crm.Rows[key].UpdatedAt.Should().Be(changed.UpdatedAt);
    }

    [Fact]
    public async Task GroupSource_RunAsync_HandsOnEachGroupWithAllItsMembersAcrossMemberPages()
    {
        var recorder = new RecordingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 120, groups: 3, handler: recorder);
        foreach (var group in sim.Tenant.Groups())
        {
            sim.Tenant.ReplaceMembers(group.Id, sim.Tenant.Users().Skip((int)(group.Id % 7)).Take(37).Select(u => u.Id));
        }

        var (engine, _, _) = Setup(sim.Time);
        var crm = new InMemoryCrm<VomoGroupRecord>(g => g.Group.UpdatedAt);
        var job = new SyncJob<VomoGroupRecord>(new JobId("acme", "groups"), new VomoGroupSource(sim.Client()), crm, VomoRecordSerializers.Groups)
        {
            Options = new SyncJobOptions { RetryBaseDelay = TimeSpan.Zero },
        };

        var run = await engine.RunAsync(job);

        run.Outcome.Should().Be(RunOutcome.Succeeded);
        crm.Rows.Values.Select(r => (r.Group.Id, r.Group.Name, Members: string.Join(",", r.MemberIds)))
            .Should().BeEquivalentTo(sim.Tenant.Groups().Select(g => (g.Id, g.Name, Members: string.Join(",", sim.Tenant.Members(g.Id)))));
        recorder.Calls.Count(c => c.PathAndQuery.Contains("/members?page=3", StringComparison.Ordinal)).Should().Be(6, "37 members take three pages, and a list longer than a page is read twice to confirm it");
    }

    [Fact]
    public async Task RunAsync_PageReadAheadFails_ReadsItAgainOnItsTurnWithoutFailingTheRun()
    {
        var recorder = new RecordingHandler();
        using var failing = new FailFirstHandler("/v1/users?page=3") { InnerHandler = recorder };
        await using var sim = await SimulatorHarness.StartAsync(users: 60, bulkImportShare: 0, handler: failing);
        var (engine, _, crm) = Setup(sim.Time);
        var source = new VomoSource<VomoUser>(sim.Client(), VomoResources.Users, new VomoSourceOptions { ReplicaLag = TimeSpan.Zero, ReadAheadPages = 2 });

        // No retries: a failure that reached the engine would fail the run.
        var run = await engine.RunAsync(UsersJob(source, crm, retries: 0));

        failing.Failed.Should().BeTrue("page 3 is read ahead while page 1 is handed on, and that read fails");
        run.Outcome.Should().Be(RunOutcome.Succeeded);
        run.ErrorsByClass.Should().BeEmpty();
        crm.Rows.Should().HaveCount(60);
        recorder.Calls.Count(c => c.PathAndQuery == "/v1/users?page=3").Should().Be(1, "read again on its turn; the list held still, so there is no second pass");
    }

    [Fact]
    public async Task RunAsync_BudgetSpent_WaitsOutRetryAfterAndCompletes()
    {
        await using var sim = await SimulatorHarness.StartAsync(users: 60, rateLimit: new RateLimitOptions { PermitsPerSecond = 2, Burst = 2 });
        var (engine, _, crm) = Setup(sim.Time);
        var started = sim.Time.GetUtcNow();

        // One page at a time, so the 429s reach the engine's retries rather than pages read ahead.
        var run = engine.RunAsync(UsersJob(UsersSource(sim, readAhead: 0), crm, retries: 20));
        await Clock.AdvanceUntilAsync(sim.Time, run, TimeSpan.FromMilliseconds(100));

        var record = await run;
        record.Outcome.Should().Be(RunOutcome.Succeeded);
        record.ErrorsByClass.Should().ContainKey(ErrorClass.RateLimited);
        crm.Rows.Should().HaveCount(60);
        (sim.Time.GetUtcNow() - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5), "four pages and the check that the list held still at two a second, two of them from the burst");
    }

    [Fact]
    public async Task RunAsync_ReadAheadUnderARequestBudget_SendsNoMoreRequestsThanTheBudgetAllows()
    {
        const int PerSecond = 3;
        using var counter = new CountingHandler();
        await using var sim = await SimulatorHarness.StartAsync(users: 150, bulkImportShare: 0, handler: counter);
        using var budget = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = PerSecond,
            TokensPerPeriod = PerSecond,

            // Replenished by hand, once per simulated second; a manual replenishment adds what the real time since the
            // last one allows, so a period of one tick makes each one refill the bucket.
            ReplenishmentPeriod = TimeSpan.FromTicks(1),
            AutoReplenishment = false,
            QueueLimit = 100,
        });
        var (engine, _, crm) = Setup(sim.Time);
        var source = new VomoSource<VomoUser>(sim.Client(budget: budget), VomoResources.Users, new VomoSourceOptions { ReplicaLag = TimeSpan.Zero, ReadAheadPages = 4 });

        var run = engine.RunAsync(UsersJob(source, crm));
        var seconds = 0;
        for (var step = 0; step < 100_000 && !run.IsCompleted; step++)
        {
            // Every request sent so far had a permit: the budget's first burst, then one second's worth per second.
            counter.Sent.Should().BeLessThanOrEqualTo(PerSecond * (seconds + 1), $"after {seconds} s the budget allows no more");
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System));

            // Simulated time moves only while requests wait for the budget and none is in flight, so nothing times
            // out on the fake clock while the run works.
            if (counter.InFlight == 0 && budget.GetStatistics()!.CurrentQueuedCount > 0)
            {
                sim.Time.Advance(TimeSpan.FromSeconds(1));
                budget.TryReplenish();
                seconds++;
            }
        }

        var record = await run;
        record.Outcome.Should().Be(RunOutcome.Succeeded, record.Error);
        record.ErrorsByClass.Should().BeEmpty();
        crm.Rows.Should().HaveCount(150);
        counter.Sent.Should().Be(11, "ten pages read once and the check that the list held still").And.BeLessThanOrEqualTo(PerSecond * (seconds + 1));
    }

    [Fact]
    public async Task ListKeysAsync_ManyPages_ReadsAFewPagesAtOnceAndListsEveryKeyOnceInIdOrder()
    {
        using var gate = new GatedHandler(opensAt: FullListing.ConcurrentRequests);
        await using var sim = await SimulatorHarness.StartAsync(users: 150, handler: gate);
        var source = new VomoSource<VomoUser>(sim.Client(), VomoResources.Users);

        var keys = await source.ListKeysAsync(Users, default).ToListAsync();

        gate.MostInFlight.Should().Be(FullListing.ConcurrentRequests, "after the first page, pages are read that many at a time, never more");
        keys.Should().Equal(sim.Tenant.Users().Select(u => u.Id).Order().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task GroupSource_GetAsync_MembersOverManyPages_ReadsThemAFewAtATimeAndAllOfThem()
    {
        using var gate = new GatedHandler(opensAt: FullListing.ConcurrentRequests);
        await using var sim = await SimulatorHarness.StartAsync(users: 120, groups: 1, handler: gate);
        var group = sim.Tenant.Groups()[0];
        sim.Tenant.ReplaceMembers(group.Id, sim.Tenant.Users().Select(u => u.Id));

        var record = await new VomoGroupSource(sim.Client()).GetAsync(new JobId("acme", "groups"), group.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), default);

        gate.MostInFlight.Should().Be(FullListing.ConcurrentRequests);
        record!.Value.Value.MemberIds.Should().Equal(sim.Tenant.Members(group.Id));
    }

    private static (SyncEngine Engine, InMemorySyncStateStore Store, InMemoryCrm<VomoUser> Crm) Setup(FakeTimeProvider time)
    {
        var store = new InMemorySyncStateStore(time);
        return (new SyncEngine(store, time), store, new InMemoryCrm<VomoUser>(u => u.UpdatedAt));
    }

    private static VomoSource<VomoUser> UsersSource(SimulatorHarness sim, TimeSpan? lag = null, int? readAhead = null) =>
        new(sim.Client(), VomoResources.Users, new VomoSourceOptions { ReplicaLag = lag ?? TimeSpan.Zero, ReadAheadPages = readAhead ?? new VomoSourceOptions().ReadAheadPages });

    private static SyncJob<VomoUser> UsersJob(VomoSource<VomoUser> source, InMemoryCrm<VomoUser> crm, TimeSpan? lag = null, int retries = 3)
    {
        return new SyncJob<VomoUser>(Users, source, crm, VomoRecordSerializers.Users)
        {
            Options = new SyncJobOptions { Lookback = lag ?? TimeSpan.Zero, RetryBaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryAttempts = retries, Partitions = 1, BatchSize = 15 },
        };
    }
}
