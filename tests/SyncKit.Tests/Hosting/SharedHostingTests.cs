using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Hosting;

/// <summary>Several host instances sharing jobs through leases and one store.</summary>
public sealed class SharedHostingTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("a", "invoices");
    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemorySyncStateStore _store;
    private readonly SharedLeases _leases;
    private readonly List<IHost> _hosts = [];

    public SharedHostingTests()
    {
        _store = new InMemorySyncStateStore(_time);
        _leases = new SharedLeases(_time, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task TwoInstances_RunEachJobOncePerCadenceBetweenThem()
    {
        await StartAsync("host-1");
        await StartAsync("host-2");
        await WaitForSucceededRunsAsync(1);

        for (var step = 0; step < 50; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            await SettleAsync();
        }

        // Fake time went 25 minutes with a 10-minute cadence: runs at about 0, 10 and 20 minutes.
        var runs = await _store.Runs.QueryRunsAsync(new RunQuery(), default);
        runs.Should().HaveCount(3);
        runs.Should().OnlyContain(r => r.Outcome == RunOutcome.Succeeded);
    }

    [Fact]
    public async Task Instance_TakesOverAnOrphanedJobAtOnce()
    {
        // A host died mid-run a minute ago: its run record still says Running and its lease has lapsed.
        var orphan = new RunRecord("dead-run", Job, T0.AddMinutes(-1), null, RunOutcome.Running, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null);
        await _store.Runs.SaveRunAsync(orphan, default);

        await StartAsync("host-1");

        await WaitForSucceededRunsAsync(1);
        (await _store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().HaveCount(2);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task SettleAsync()
    {
        for (var i = 0; i < 5; i++)
        {
            await Task.Yield();
        }

        await Task.Delay(10);
    }

    private async Task WaitForSucceededRunsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await _store.Runs.QueryRunsAsync(new RunQuery { Outcome = RunOutcome.Succeeded }, default)).Count < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private async Task StartAsync(string owner)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(_leases.ManagerFor(owner));
        var source = new ScriptedSource<TestRecord>([new TestRecord("1", T0).ToSourceRecord()]);
        var destination = new CollectingDestination<TestRecord>(r => r.Version);
        builder.Services.AddSyncKit(b => b
            .UseStore(_ => _store)
            .ConfigureScheduler(s => s.StartupStagger = TimeSpan.Zero)
            .AddJob<TestRecord>(Job.Stream, job => job
                .ForTenants(Job.Tenant)
                .UseSource((_, _) => source)
                .UseDestination((_, _) => destination)
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(o => o.Cadence = TimeSpan.FromMinutes(10))));
        var host = builder.Build();
        _hosts.Add(host);
        await host.StartAsync();
    }
}
