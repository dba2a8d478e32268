using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Hosting.Internal;
using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Hosting;

/// <summary>What a host offers besides its schedule: operator actions and replays of registered jobs, and reconciliation passes scheduled after the regular runs.</summary>
public sealed partial class HostingTests
{
    [Fact]
    public async Task RetryDeadLettersAsync_RegisteredJob_ResolvesTheEntryAndRecordsTheActor()
    {
        _host = Build(job => job.Configure(o => o.Cadence = TimeSpan.FromHours(1)));
        var runner = _host.Services.GetRequiredService<SyncJobRunner>();
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        var job = new JobId("a", "invoices");
        Source("a").Add(Record(1));
        Destination("a").Fail = _ => RecordOutcome.Failed(ErrorClass.Validation, "bad");
        await runner.RunAsync(job);
        Destination("a").Fail = null;

        var retry = await runner.RetryDeadLettersAsync(job, ["1"], "ops@example.com");

        (await store.DeadLetters.CountAsync(job, default)).Should().Be(0);
        Destination("a").Rows.Should().ContainKey("1");
        var stored = await store.Runs.GetRunAsync(retry.RunId, default);
        stored!.Kind.Should().Be(RunKind.DeadLetterRetry);
        OperatorAction.FromRun(stored)!.Actor.Should().Be("ops@example.com");
    }

    [Fact]
    public async Task ReplayAsync_RegisteredJob_ReturnsSerializedOperationsAndWritesNothing()
    {
        _host = Build(job => job.Configure(o => o.Cadence = TimeSpan.FromHours(1)));
        var runner = _host.Services.GetRequiredService<SyncJobRunner>();
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        var job = new JobId("a", "invoices");
        Source("a").Add(Record(1));
        Source("a").Add(Record(2));

        var replay = await runner.ReplayAsync(job, T0, T0.AddMinutes(1));

        replay.Operations.Select(o => o.Record.Key).Should().Equal("1", "2");
        replay.Operations[0].Record.Value.Should().Be(new JsonRecordSerializer<TestRecord>().Serialize(Record(1).Value));
        Destination("a").Rows.Should().BeEmpty();
        (await store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReplayAsync_UnknownTenant_ThrowsNamingIt()
    {
        _host = Build(_ => { });
        var runner = _host.Services.GetRequiredService<SyncJobRunner>();

        var replay = () => runner.ReplayAsync(new JobId("nobody", "invoices"), T0, T0.AddMinutes(1));

        (await replay.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("nobody");
    }

    [Fact]
    public async Task RetryDeadLettersAsync_PerTenantSettings_ReschedulesByTheTenantsDeadLetterSettings()
    {
        _host = Build(job => job.Configure((_, o) => o.DeadLetters.MaxAttempts = 2));
        var runner = _host.Services.GetRequiredService<SyncJobRunner>();
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        var job = new JobId("a", "invoices");
        Source("a").Add(Record(1));
        Destination("a").Fail = _ => RecordOutcome.Failed(ErrorClass.Validation, "bad");
        await runner.RunAsync(job);

        await runner.RetryDeadLettersAsync(job, ["1"], "ops@example.com");

        var entry = (await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(job), default)).Should().ContainSingle().Subject;
        entry.Attempts.Should().Be(2);
        entry.Status.Should().Be(DeadLetterStatus.Parked, "the tenant's settings park an entry after two attempts");
    }

    [Fact]
    public async Task ReplayAsync_PerTenantSettings_ReadsThroughTheTenantsRateLimiter()
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 });
        _host = Build(job => job.Configure((tenant, o) => { o.SourceName = $"billing:{tenant}"; o.SourceRateLimiter = limiter; }));
        var runner = _host.Services.GetRequiredService<SyncJobRunner>();
        Source("a").Add(Record(1));

        await runner.ReplayAsync(new JobId("a", "invoices"), T0, T0.AddMinutes(1));

        limiter.GetStatistics()!.TotalSuccessfulLeases.Should().BePositive("the replay reads with the tenant's options");
    }

    [Fact]
    public async Task Scheduler_ReconcilableJob_RunsEachTenantsIncrementalPassOncePerSlotAfterItsRegularRun()
    {
        var cadence = TimeSpan.FromMinutes(5);
        var hour = TimeSpan.FromHours(1);
        _host = Build(job => job.Configure(o => { o.Cadence = cadence; o.Reconciliation.IncrementalCadence = hour; }), tenants: ["a", "b"]);
        Source("a").Add(Record(1));
        Source("b").Add(Record(1));
        await _host.StartAsync();
        var store = _host.Services.GetRequiredService<ISyncStateStore>();

        var until = TimeSpan.FromHours(2) + cadence;
        var passes = await StepUntilAsync(store, cadence, until);

        var plan = new StaggerPlan(["a", "b"]);
        passes.Select(p => p.Job.Tenant).Distinct().Should().BeEquivalentTo(["a", "b"]);
        foreach (var tenant in passes.GroupBy(p => p.Job.Tenant))
        {
            var slots = tenant.Select(p => plan.LatestStart(tenant.Key, hour, p.StartedAt)).ToList();
            var offset = plan.OffsetOf(tenant.Key, hour);
            var slotsPassed = Enumerable.Range(0, 3).Select(k => T0 + offset + (k * hour)).Count(slot => slot > T0 && slot <= T0 + until);
            slots.Should().OnlyHaveUniqueItems("a slot gets one pass").And.HaveCount(slotsPassed, "every slot after the host started gets its pass");
            tenant.Select((p, i) => p.StartedAt - slots[i]).Should().OnlyContain(late => late < cadence + cadence, "a pass runs after the first regular run in its slot");
        }

        plan.OffsetOf("a", hour).Should().NotBe(plan.OffsetOf("b", hour), "tenants are staggered");
    }

    [Fact]
    public async Task Scheduler_ReconcileOff_RunsNoPass()
    {
        var cadence = TimeSpan.FromMinutes(5);
        _host = Build(job => job.Configure(o => { o.Cadence = cadence; o.Reconciliation.IncrementalCadence = TimeSpan.FromMinutes(10); }), tenants: ["a"], scheduler: s => s.Reconcile = false);
        Source("a").Add(Record(1));
        await _host.StartAsync();
        var store = _host.Services.GetRequiredService<ISyncStateStore>();

        (await StepUntilAsync(store, cadence, TimeSpan.FromHours(1))).Should().BeEmpty();
    }
}
