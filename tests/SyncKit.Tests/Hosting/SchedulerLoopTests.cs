using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Hosting;

/// <summary>
/// A job's schedule outlives whatever one of its runs throws while the host keeps running, and keeps its slots one
/// cadence apart whatever a run takes.
/// </summary>
public sealed class SchedulerLoopTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstRetry = new SyncSchedulerOptions().FailedStartRetryDelay;

    private readonly TimerWatchingTimeProvider _time = new(new FakeTimeProvider(T0));

    [Fact]
    public async Task Scheduler_RunThrowsOperationCanceledWithoutAStop_RunsTheJobAgainSoon()
    {
        // A cancellation nobody asked the host for, as a run stopped by its lost lease while it waited for its job.
        var creations = 0;
        var destination = new CollectingDestination<TestRecord>(r => r.Version);
        var written = WhenWritten(destination);
        using var host = BuildHost(destination, () => Interlocked.Increment(ref creations) == 1 ? throw new OperationCanceledException("the job's lease was lost") : null);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        var retryScheduled = _time.WhenTimerCreated(FirstRetry);

        await host.StartAsync();

        (await Task.WhenAny(retryScheduled, stopping.Task)).Should().Be(retryScheduled, "the job's loop goes on and the host keeps running");
        _time.Clock.Advance(FirstRetry);
        await written.OrHang(); // the job ran again: its run reached the destination
        await host.StopAsync();
    }

    [Fact]
    public async Task Scheduler_StartKeepsThrowing_TriesAgainBackingOffToTheCadence()
    {
        var creations = 0;
        var destination = new CollectingDestination<TestRecord>(r => r.Version);
        var written = WhenWritten(destination);
        using var host = BuildHost(destination, () => Interlocked.Increment(ref creations) <= 3 ? throw new InvalidOperationException("the state store is unreachable") : null);
        var retries = new[] { FirstRetry, FirstRetry * 2, FirstRetry * 4 }.Select(_time.WhenTimerCreated).ToList();

        await host.StartAsync();

        foreach (var (retry, delay) in retries.Zip(new[] { FirstRetry, FirstRetry * 2, FirstRetry * 4 }))
        {
            await retry.OrHang();
            _time.Clock.Advance(delay);
        }

        await written.OrHang(); // the fourth start ran: its run reached the destination
        await host.StopAsync();
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(25, 5)]
    public async Task Scheduler_RunTakesLong_NextRunKeepsToTheSlotsOneCadenceApart(int runMinutes, int nextInMinutes)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var destination = new CollectingDestination<TestRecord>(r => r.Version)
        {
            BeforeWrite = async (_, _) =>
            {
                writing.TrySetResult();
                await release.Task;
            },
        };
        using var host = BuildHost(destination, () => null);
        var next = _time.WhenTimerCreated(TimeSpan.FromMinutes(nextInMinutes));

        await host.StartAsync();
        await writing.Task.OrHang();
        _time.Clock.Advance(TimeSpan.FromMinutes(runMinutes));
        release.SetResult();

        await next.OrHang();
        await host.StopAsync();
    }

    private static Task WhenWritten(CollectingDestination<TestRecord> destination)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        destination.BeforeWrite = (_, _) =>
        {
            written.TrySetResult();
            return ValueTask.CompletedTask;
        };
        return written.Task;
    }

    /// <summary>A host with one job on <see cref="Cadence"/> and no stagger; <paramref name="beforeSource"/> may throw instead of creating the source.</summary>
    private IHost BuildHost(CollectingDestination<TestRecord> destination, Func<object?> beforeSource)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => s.StartupStagger = TimeSpan.Zero)
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("a")
                .UseSource((_, _) =>
                {
                    beforeSource();
                    return new ScriptedSource<TestRecord>([new TestRecord("1", T0).ToSourceRecord()]);
                })
                .UseDestination((_, _) => destination)
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(o => o.Cadence = Cadence)));
        return builder.Build();
    }
}
