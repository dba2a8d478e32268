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

public sealed partial class HostingTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly TimerWatchingTimeProvider _clock;
    private readonly ConcurrentDictionary<string, ScriptedSource<TestRecord>> _sources = new();
    private readonly ConcurrentDictionary<string, CollectingDestination<TestRecord>> _destinations = new();
    private IHost? _host;

    public HostingTests() => _clock = new TimerWatchingTimeProvider(_time);

    [Fact]
    public async Task StartAsync_InvalidJobOption_FailsNamingTheSetting()
    {
        var host = Build(job => job.Configure(o => o.BatchSize = 0));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain("BatchSize");
    }

    [Fact]
    public async Task StartAsync_InvalidNestedOption_FailsNamingTheSetting()
    {
        var host = Build(job => job.Configure(o => o.DeadLetters.MaxAttempts = 0));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain("MaxAttempts");
    }

    [Fact]
    public async Task ConfigurePerTenant_OneTenantsSourceFails_OnlyItsOwnBreakerOpens()
    {
        // Five failed attempts open a breaker (its minimum throughput); no sixth waits out the break on the fake clock.
        using var host = Build(
            job => job
                .Configure(o => o.MaxRetryAttempts = 4)
                .Configure((tenant, o) => o.SourceName = $"billing:{tenant}"),
            onRead: tenant =>
            {
                if (tenant == "a")
                {
                    throw new SyncException(ErrorClass.Transient, "billing is down for a");
                }
            },
            tenants: ["a", "b"]);
        var runner = host.Services.GetRequiredService<SyncJobRunner>();
        var engine = host.Services.GetRequiredService<SyncEngine>();
        var (a, b) = (new JobId("a", "invoices"), new JobId("b", "invoices"));
        Source("b").Add(Record(1));

        (await runner.RunAsync(a)).Outcome.Should().Be(RunOutcome.Failed);
        var runB = await runner.RunAsync(b);

        engine.GetBreakerStates(a, runner.OptionsFor(a)).Source.Should().Be(BreakerState.Open);
        engine.GetBreakerStates(b, runner.OptionsFor(b)).Source.Should().Be(BreakerState.Closed, "another tenant's outage must not stop b");
        runB.Outcome.Should().Be(RunOutcome.Succeeded);
        Destination("b").Rows.Should().ContainKey("1");
        runner.OptionsFor(a).SourceName.Should().Be("billing:a");
        runner.OptionsFor(a).Should().BeSameAs(runner.OptionsFor(a), "per-tenant settings run once per tenant");
        runner.OptionsFor(a).MaxRetryAttempts.Should().Be(4, "the stream's settings apply first");
        runner.OptionsFor("invoices").SourceName.Should().BeNull("the stream's shared options stay untouched");
    }

    [Fact]
    public void OptionsFor_PerTenantSettingInvalid_ThrowsNamingTheSettingAndTheJob()
    {
        using var host = Build(job => job.Configure((tenant, o) => o.BatchSize = tenant == "b" ? 0 : 10), tenants: ["a", "b"]);
        var runner = host.Services.GetRequiredService<SyncJobRunner>();

        runner.OptionsFor(new JobId("a", "invoices")).BatchSize.Should().Be(10);
        var options = () => runner.OptionsFor(new JobId("b", "invoices"));

        options.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("BatchSize").And.Contain("b/invoices");
    }

    [Fact]
    public void AddJob_WithoutSource_ThrowsNamingTheMissingCall()
    {
        var services = new ServiceCollection();

        var add = () => services.AddSyncKit(b => b.AddJob<TestRecord>("invoices", job => job.ForTenants("a").UseDestination((_, _) => NewDestination("a"))));

        add.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("invoices").And.Contain("UseSource");
    }

    [Fact]
    public void FirstRunDelay_SpreadsTenantsAcrossTheWindow()
    {
        var delays = Enumerable.Range(0, 100)
            .Select(i => SyncScheduler.FirstRunDelay(new JobId($"tenant-{i}", "users"), TimeSpan.FromHours(1), TimeSpan.FromMinutes(10)))
            .ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.Zero && d < TimeSpan.FromMinutes(10));
        delays.Distinct().Should().HaveCountGreaterThan(90, "tenants must not all start in the same instant");
        delays.Max().Should().BeGreaterThan(TimeSpan.FromMinutes(8));
        SyncScheduler.FirstRunDelay(new JobId("tenant-1", "users"), TimeSpan.FromHours(1), TimeSpan.FromMinutes(10))
            .Should().Be(delays[1], "the stagger is stable across restarts");
    }

    [Fact]
    public async Task Scheduler_RunsEachTenantOnItsCadence()
    {
        var cadence = TimeSpan.FromMinutes(10);
        var runs = new ConcurrentQueue<string>();
        var runStarted = new SemaphoreSlim(0);
        _host = Build(
            job => job.Configure(o => o.Cadence = cadence),
            onRead: tenant =>
            {
                runs.Enqueue(tenant);
                runStarted.Release();
            },
            tenants: ["a", "b"]);
        var bothWaiting = _clock.WhenTimersCreated(cadence, 2);
        await _host.StartAsync();

        await WaitAsync(runStarted, 2);
        runs.Should().BeEquivalentTo(["a", "b"]);

        // After its run each tenant's loop waits for its cadence on the fake clock, and for nothing shorter: until
        // that timer is due, advancing the clock wakes nothing.
        await bothWaiting.OrHang();
        _time.Advance(cadence - TimeSpan.FromTicks(1));
        runs.Should().HaveCount(2, "the cadence must elapse first");
        _time.Advance(TimeSpan.FromTicks(1));

        await WaitAsync(runStarted, 2);
        runs.Should().HaveCount(4).And.Contain("a").And.Contain("b");
    }

    [Fact]
    public async Task Scheduler_NeverRunsOneJobTwiceAtOnce()
    {
        var cadence = TimeSpan.FromMinutes(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var otherJobStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = 0;
        var startedWhileBlocked = 0;
        _host = Build(
            job => job.Configure(o => { o.Cadence = cadence; o.AttemptTimeout = TimeSpan.FromDays(1); }),
            onRead: tenant =>
            {
                if (tenant == "b")
                {
                    otherJobStarted.TrySetResult();
                }
                else if (Volatile.Read(ref blocked) > 0)
                {
                    Interlocked.Increment(ref startedWhileBlocked);
                }
            },
            tenants: ["a", "b"]);
        Source("a").Add(Record(1));
        Source("b").Add(Record(1));
        var bothWaiting = _clock.WhenTimersCreated(cadence, 2);
        Destination("a").BeforeWrite = async (_, ct) =>
        {
            if (!entered.TrySetResult())
            {
                return;
            }

            // Ten cadences pass while a's first run is blocked here. The clock moves before the scheduler gets
            // control back from the run, so a loop that did not wait for the run would find the job overdue and
            // start it again at once, while this run is still blocked.
            Volatile.Write(ref blocked, 1);
            for (var i = 0; i < 10; i++)
            {
                _time.Advance(cadence);
            }

            await release.Task.WaitAsync(ct);
            Volatile.Write(ref blocked, 0);
        };
        await _host.StartAsync();

        // The scheduler starts b's loop once a's loop has handed control back, so by b's first read a's loop has
        // done whatever it does while its run is blocked.
        await entered.Task.OrHang();
        await otherJobStarted.Task.OrHang();
        release.SetResult();
        await bothWaiting.OrHang();

        startedWhileBlocked.Should().Be(0, "no run of a job starts while one is in progress");
        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        (await store.Runs.QueryRunsAsync(new RunQuery { Tenant = "a", Kind = RunKind.Sync }, default)).Should()
            .HaveCount(2, "the overdue job ran once after the blocked run, not once per cadence it missed")
            .And.OnlyContain(r => r.Outcome == RunOutcome.Succeeded);
        Destination("a").Rows.Should().ContainKey("1");
    }

    [Fact]
    public async Task StopAsync_CommitsTheBatchInFlightAndNothingMore()
    {
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _host = Build(job => job.Configure(o => { o.BatchSize = 10; o.Partitions = 1; o.PageSize = 10; }), tenants: ["a"]);
        foreach (var i in Enumerable.Range(1, 100))
        {
            Source("a").Add(Record(i));
        }

        Destination("a").BeforeWrite = async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
        };
        await _host.StartAsync();
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stop = _host.StopAsync();
        release.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(30));

        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        Destination("a").Rows.Should().HaveCount(10);
        (await store.Checkpoints.GetAsync(new JobId("a", "invoices"), default)).Should().Be(Cursor.At(T0.AddSeconds(10), "10"));
        var run = (await store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().ContainSingle().Subject;
        run.Outcome.Should().Be(RunOutcome.Cancelled);
    }

    [Fact]
    public async Task Scheduler_JobStoppedByAuthentication_IsNotScheduledAgain()
    {
        var reads = 0;
        _host = Build(job => job.Configure(o => o.Cadence = TimeSpan.FromMinutes(1)), onRead: _ => Interlocked.Increment(ref reads), tenants: ["a"]);
        Source("a").FailNextRead(new SyncException(ErrorClass.Authentication, "token revoked"));
        await _host.StartAsync();

        // The job's loop ends after the stopped run; it was the scheduler's only one, so the scheduler ends too
        // and nothing is left that could run the job again, whatever the clock does.
        await _host.Services.GetServices<IHostedService>().OfType<SyncScheduler>().Single().ExecuteTask!.OrHang();
        _time.Advance(TimeSpan.FromMinutes(5));

        var store = _host.Services.GetRequiredService<ISyncStateStore>();
        (await store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().ContainSingle("a stopped job waits for an operator")
            .Which.Outcome.Should().Be(RunOutcome.Stopped);
        reads.Should().Be(1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    private static SourceRecord<TestRecord> Record(int i) =>
        new TestRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(i)).ToSourceRecord();

    /// <summary>
    /// Steps fake time by the job cadence until <paramref name="until"/>, waiting at each step for every tenant's
    /// regular run to be recorded, and returns the incremental reconciliation passes, oldest first.
    /// </summary>
    private async Task<List<RunRecord>> StepUntilAsync(ISyncStateStore store, TimeSpan cadence, TimeSpan until)
    {
        var tenants = _sources.Count;
        async Task<int> RegularRuns() => (await store.Runs.QueryRunsAsync(new RunQuery { Kind = RunKind.Sync, Outcome = RunOutcome.Succeeded }, default)).Count;
        await WaitUntilAsync(async () => await RegularRuns() == tenants);
        for (var step = 1; step * cadence <= until; step++)
        {
            _time.Advance(cadence);
            var expected = tenants * (step + 1);
            await WaitUntilAsync(async () => await RegularRuns() == expected);
        }

        // The pass after a step's last run may still be going: let every job loop come back to its timer.
        await WaitUntilAsync(async () => (await store.Runs.QueryRunsAsync(new RunQuery { Outcome = RunOutcome.Running }, default)).Count == 0);
        var passes = await store.Runs.QueryRunsAsync(new RunQuery { Kind = RunKind.IncrementalReconciliation }, default);
        return [.. passes.OrderBy(p => p.StartedAt)];
    }

    private static async Task WaitAsync(SemaphoreSlim signal, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await signal.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeTrue("signal {0} of {1} should arrive", i + 1, count);
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }
    }

    private ScriptedSource<TestRecord> Source(string tenant) => _sources.GetOrAdd(tenant, _ => new ScriptedSource<TestRecord>());

    private CollectingDestination<TestRecord> Destination(string tenant) => NewDestination(tenant);

    private CollectingDestination<TestRecord> NewDestination(string tenant) =>
        _destinations.GetOrAdd(tenant, _ => new CollectingDestination<TestRecord>(r => r.Version));

    private IHost Build(Action<SyncJobRegistration<TestRecord>> configure, Action<string>? onRead = null, string[]? tenants = null, Action<SyncSchedulerOptions>? scheduler = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s =>
            {
                s.StartupStagger = TimeSpan.Zero;
                scheduler?.Invoke(s);
            })
            .AddJob<TestRecord>("invoices", job =>
            {
                job.ForTenants(tenants ?? ["a"])
                    .UseSource((_, tenant) =>
                    {
                        var source = Source(tenant);
                        source.BeforeRead = (after, _) =>
                        {
                            if (after is null)
                            {
                                onRead?.Invoke(tenant);
                            }

                            return ValueTask.CompletedTask;
                        };
                        return source;
                    })
                    .UseDestination((_, tenant) => Destination(tenant))
                    .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())

                    // The product's defaults but for the retry delay: zero, so retries need no fake clock advanced.
                    .Configure(o => o.RetryBaseDelay = TimeSpan.Zero);
                configure(job);
            }));
        return builder.Build();
    }
}
