using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;
using SyncKit.Tests.Engine;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Diagnostics;

/// <summary>A first run explains itself: where each run starts, and when each job runs next.</summary>
public sealed class StartLogTests : EngineTestBase
{
    private static readonly TimeSpan Cadence = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task RunAsync_ResumingFromACheckpoint_LogsTheCheckpointItStartsFrom()
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        var engine = new SyncEngine(Store, Time, loggerFactory);
        var source = new ScriptedSource<TestRecord>([Record(1, 1), Record(2, 2)]);

        await engine.RunAsync(NewJob(source, NewDestination()));
        var checkpoint = await CheckpointAsync();
        await engine.RunAsync(NewJob(source, NewDestination()));

        var starts = logs.Collector.GetSnapshot().Where(r => r.Id.Id == 1001).ToList();
        starts.Should().HaveCount(2);
        starts[0].GetStructuredStateValue("Cursor").Should().Be("the beginning (no checkpoint yet)");
        starts[1].GetStructuredStateValue("Cursor").Should().Be(checkpoint!.ToString());
        starts[1].Message.Should().Contain($"started from {checkpoint}");
    }

    [Fact]
    public async Task Scheduler_LogsEachJobsFirstDueTimeAtStart_AndItsNextDueTimeAfterEachRun()
    {
        var time = new TimerWatchingTimeProvider(new FakeTimeProvider(T0));
        using var logs = new FakeLoggerProvider();
        using var host = SchedulerHost(time, [logs], o => o.Cadence = Cadence);
        var waitingForTheNextRun = time.WhenTimerCreated(Cadence);

        await host.StartAsync();
        await waitingForTheNextRun;

        var records = logs.Collector.GetSnapshot();
        var first = records.Should().ContainSingle(r => r.Id.Id == 4006).Subject;
        first.Level.Should().Be(LogLevel.Information);
        first.GetStructuredStateValue("Due").Should().Be(T0.ToString());
        first.Message.Should().Contain("a/invoices runs every 00:10:00").And.Contain(T0.ToString("O"));
        records.Should().ContainSingle(r => r.Id.Id == 4007)
            .Which.Message.Should().Contain($"next run due at {(T0 + Cadence):O}");
        records.Select(r => r.Id.Id).Should().ContainInOrder(4006, 1001, 1002, 4007);
        await host.StopAsync();
    }

    [Fact]
    public async Task Scheduler_RestartedAfterARun_LogsTheDueTimeItsRunHistoryGives()
    {
        var message = await FirstDueMessageAsync(o => o.Cadence = Cadence, async (host, time) =>
        {
            await host.Services.GetRequiredService<SyncJobRunner>().RunAsync(new JobId("a", "invoices"));
            time.Advance(TimeSpan.FromMinutes(1));
        });

        message.Should().Be($"Job a/invoices runs every 00:10:00; next run due at {(T0 + Cadence):O}", "the last run started at T0, one cadence before");
    }

    [Fact]
    public async Task Scheduler_CalendarSchedule_LogsTheExpressionAndItsNextOccurrence()
    {
        var message = await FirstDueMessageAsync(o => o.Schedule = "0 2 * * *", (_, _) => Task.CompletedTask);

        message.Should().Be($"Job a/invoices runs at \"0 2 * * *\" in UTC; next run due at {T0.AddHours(2):O}");
    }

    /// <summary>Starts a host with one job (after <paramref name="beforeStart"/>) and returns the scheduler's first-due log line.</summary>
    private static async Task<string> FirstDueMessageAsync(Action<SyncJobOptions> configure, Func<IHost, FakeTimeProvider, Task> beforeStart)
    {
        var time = new FakeTimeProvider(T0);
        using var logs = new FakeLoggerProvider();
        using var firstDue = new LogEventSignal("FirstRunDue");
        using var host = SchedulerHost(time, [logs, firstDue], configure);
        await beforeStart(host, time);

        await host.StartAsync();
        await firstDue.Logged;
        await host.StopAsync();

        return logs.Collector.GetSnapshot().Single(r => r.Id.Id == 4006).Message;
    }

    private static IHost SchedulerHost(TimeProvider time, ILoggerProvider[] logs, Action<SyncJobOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        foreach (var provider in logs)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.Services.AddSingleton(time);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => s.StartupStagger = TimeSpan.Zero)
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("a")
                .UseSource((_, _) => new ScriptedSource<TestRecord>([Record(1, 1)]))
                .UseDestination((_, _) => NewDestination())
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(configure)));
        return builder.Build();
    }
}
