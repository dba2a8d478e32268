using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Hosting;

/// <summary>A job's schedule outlives whatever one of its runs throws while the host keeps running.</summary>
public sealed class SchedulerLoopTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Scheduler_RunThrowsOperationCanceledWithoutAStop_RunsTheJobAgainAtTheNextCadence()
    {
        // A cancellation nobody asked the host for, as a run stopped by its lost lease while it waited for its job.
        var time = new TimerWatchingTimeProvider(new FakeTimeProvider(T0));
        var creations = 0;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var destination = new CollectingDestination<TestRecord>(r => r.Version)
        {
            BeforeWrite = (_, _) =>
            {
                written.TrySetResult();
                return ValueTask.CompletedTask;
            },
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => s.StartupStagger = TimeSpan.Zero)
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("a")
                .UseSource((_, _) => Interlocked.Increment(ref creations) == 1
                    ? throw new OperationCanceledException("the job's lease was lost")
                    : new ScriptedSource<TestRecord>([new TestRecord("1", T0).ToSourceRecord()]))
                .UseDestination((_, _) => destination)
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(o => o.Cadence = Cadence)));
        using var host = builder.Build();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        var nextRunScheduled = time.WhenTimerCreated(Cadence);

        await host.StartAsync();

        (await Task.WhenAny(nextRunScheduled, stopping.Task)).Should().Be(nextRunScheduled, "the job's loop goes on and the host keeps running");
        time.Clock.Advance(Cadence);
        await written.Task;

        destination.Rows.Should().ContainKey("1");
        await host.StopAsync();
    }
}
