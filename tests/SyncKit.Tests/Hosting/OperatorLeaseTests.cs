using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Hosting;

/// <summary>Operator actions through the runner hold the job's lease when hosts share jobs, so they never overlap another instance's run.</summary>
public sealed class OperatorLeaseTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("a", "invoices");
    private readonly TimerWatchingTimeProvider _time = new(new FakeTimeProvider(T0));
    private readonly InMemorySyncStateStore _store;
    private readonly SharedLeases _leases;
    private readonly CollectingDestination<TestRecord> _destination = new(r => r.Version);
    private readonly ServiceProvider _services;

    public OperatorLeaseTests()
    {
        _store = new InMemorySyncStateStore(_time);
        _leases = new SharedLeases(_time, TimeSpan.FromMinutes(1));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(_leases.ManagerFor("host-2"));
        services.AddSyncKit(b => b
            .UseStore(_ => _store)
            .AddJob<TestRecord>(Job.Stream, job => job
                .ForTenants(Job.Tenant)
                .UseSource((_, _) => new ScriptedSource<TestRecord>())
                .UseDestination((_, _) => _destination)
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())));
        _services = services.BuildServiceProvider();
    }

    [Fact]
    public async Task RetryDeadLettersAsync_AnotherInstanceHoldsTheLease_WaitsForItThenRetriesUnderIt()
    {
        var payload = new JsonRecordSerializer<TestRecord>().Serialize(new TestRecord("1", T0));
        await _store.DeadLetters.AddAsync([new DeadLetter(Job, "1", Cursor.At(T0, "1"), payload, ErrorClass.Validation, "bad", 10, T0, T0, null, DeadLetterStatus.Parked)], default);
        var otherInstance = _leases.ManagerFor("host-1");
        var held = (await otherInstance.TryAcquireAsync([Job], 1, default)).Should().ContainSingle().Subject;
        var lookingAgain = _time.WhenTimerCreated(otherInstance.RenewInterval);

        var retry = _services.GetRequiredService<SyncJobRunner>().RetryDeadLettersAsync(Job, ["1"], "bob");

        (await Task.WhenAny(lookingAgain, retry)).Should().Be(lookingAgain, "another instance holds the job's lease");
        _destination.Rows.Should().BeEmpty();
        await otherInstance.ReleaseAsync(held, default);
        _time.Clock.Advance(otherInstance.RenewInterval);
        var run = await retry;

        run.Counts.Written.Should().Be(1);
        (await _store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await otherInstance.TryAcquireAsync([Job], 1, default)).Should().ContainSingle("the retry released the lease when it ended");
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
