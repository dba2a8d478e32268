using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;
using SyncKit.Tests.Engine.Support;

namespace SyncKit.Tests.Hosting;

/// <summary>
/// Calendar schedules ("0 2 * * *" in Europe/Berlin) beside intervals; a restart reads the job's last run from the
/// store and does not run a job that is not due; daylight-saving changes run a job once.
/// </summary>
public sealed class CalendarScheduleTests : IDisposable
{
    private const string Berlin = "Europe/Berlin";

    private TimerWatchingTimeProvider? _time;
    private IHost? _host;
    private int _runs;

    public void Dispose() => _host?.Dispose();

    [Fact]
    public async Task Scheduler_NightlyScheduleInBerlin_RunsAt0200LocalAndThenADayLater()
    {
        // 00:00 UTC is 01:00 in Berlin in winter: the first run is an hour away, not within the stagger.
        var firstRun = Build(new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), o => { o.Schedule = "0 2 * * *"; o.ScheduleTimeZone = Berlin; });
        var nextDay = _time!.WhenTimerCreated(TimeSpan.FromDays(1));

        await _host!.StartAsync();
        await firstRun.OrHang();
        _runs.Should().Be(0);
        _time.Clock.Advance(TimeSpan.FromHours(1));

        await nextDay.OrHang();
        _runs.Should().Be(1);
        await _host.StopAsync();
    }

    [Fact]
    public async Task Scheduler_RestartBeforeTheNextOccurrence_WaitsForItInsteadOfRunningAtStart()
    {
        var now = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
        var waits = Build(now, o => o.Schedule = "0 1 * * *", wait: TimeSpan.FromHours(13));
        await SaveRunAsync(now.AddHours(-11));

        await _host!.StartAsync();

        await waits.OrHang();
        _runs.Should().Be(0, "last night's run is in the store; the next is due at 01:00 tomorrow");
        await _host.StopAsync();
    }

    [Fact]
    public async Task Scheduler_RestartWithinTheCadence_WaitsForTheSlotAfterTheLastRun()
    {
        var now = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
        var waits = Build(now, o => o.Cadence = TimeSpan.FromMinutes(5), wait: TimeSpan.FromMinutes(3));
        await SaveRunAsync(now.AddMinutes(-2));

        await _host!.StartAsync();

        await waits.OrHang();
        _runs.Should().Be(0, "each deploy must not trigger a sync that is not due");
        await _host.StopAsync();
    }

    [Fact]
    public async Task Scheduler_OccurrenceMissedWhileNoHostRan_IsMadeUpOnceAtStart()
    {
        var now = new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
        var tomorrow = Build(now, o => o.Schedule = "0 1 * * *", wait: TimeSpan.FromHours(13));
        await SaveRunAsync(now.AddDays(-3));

        await _host!.StartAsync();

        await tomorrow.OrHang();
        _runs.Should().Be(1, "three missed nights make one run at start, then the calendar goes on");
        await _host.StopAsync();
    }

    [Theory]
    [InlineData("2026-03-28T12:00:00Z", 13.0, 23.5)] // 02:30 does not exist on 29 March: the run is at 03:00 CEST (01:00 UTC), then 02:30 CEST
    [InlineData("2026-10-24T12:00:00Z", 12.5, 25.0)] // 02:30 happens twice on 25 October: the job runs at the first, then 02:30 CET on the 26th
    public async Task Scheduler_DaylightSavingChange_RunsTheNightsJobOnce(string start, double firstInHours, double nextInHours)
    {
        var first = Build(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), o => { o.Schedule = "30 2 * * *"; o.ScheduleTimeZone = Berlin; }, wait: TimeSpan.FromHours(firstInHours));
        var next = _time!.WhenTimerCreated(TimeSpan.FromHours(nextInHours));

        await _host!.StartAsync();
        await first.OrHang();
        _time.Clock.Advance(TimeSpan.FromHours(firstInHours));

        await next.OrHang();
        _runs.Should().Be(1);
        await _host.StopAsync();
    }

    [Theory]
    [InlineData("0 2 * *", "Schedule: the schedule '0 2 * *' is not a cron expression")]
    [InlineData("0 0 30 2 *", "Schedule: the schedule '0 0 30 2 *' never occurs")]
    public void Validate_ScheduleThatIsNotACalendar_NamesTheSetting(string schedule, string message)
    {
        var result = Validate(o => o.Schedule = schedule);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(message);
    }

    [Fact]
    public void Validate_UnknownTimeZone_NamesTheSettingAndTheZone()
    {
        var result = Validate(o => { o.Schedule = "0 2 * * *"; o.ScheduleTimeZone = "Europe/Atlantis"; });

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("ScheduleTimeZone: the time zone 'Europe/Atlantis' is not known");
    }

    private static ValidateOptionsResult Validate(Action<SyncJobOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddSyncKit(b => b.AddJob<TestRecord>("invoices", job => job
            .ForTenants("a")
            .UseSource((_, _) => new ScriptedSource<TestRecord>([]))
            .UseDestination((_, _) => new CollectingDestination<TestRecord>(r => r.Version))
            .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
            .Configure(configure)));
        using var provider = services.BuildServiceProvider();
        var options = new SyncJobOptions();
        configure(options);
        return provider.GetServices<IValidateOptions<SyncJobOptions>>()
            .Select(v => v.Validate("invoices", options))
            .FirstOrDefault(r => r.Failed) ?? ValidateOptionsResult.Success;
    }

    /// <summary>A host with one job counting its runs; returns when the scheduler's first wait of <paramref name="wait"/> (default an hour) begins.</summary>
    private Task Build(DateTimeOffset now, Action<SyncJobOptions> configure, TimeSpan? wait = null)
    {
        _time = new TimerWatchingTimeProvider(new FakeTimeProvider(now));
        var waited = _time.WhenTimerCreated(wait ?? TimeSpan.FromHours(1));
        var destination = new CollectingDestination<TestRecord>(r => r.Version)
        {
            BeforeWrite = (_, _) =>
            {
                Interlocked.Increment(ref _runs);
                return ValueTask.CompletedTask;
            },
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => { s.StartupStagger = TimeSpan.Zero; s.Reconcile = false; })
            .AddJob<TestRecord>("invoices", job => job
                .ForTenants("a")
                .UseSource((_, _) => new ScriptedSource<TestRecord>([new TestRecord(Guid.NewGuid().ToString("N"), _time.GetUtcNow()).ToSourceRecord()]))
                .UseDestination((_, _) => destination)
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(configure)));
        _host = builder.Build();
        return waited;
    }

    private Task SaveRunAsync(DateTimeOffset startedAt) =>
        _host!.Services.GetRequiredService<ISyncStateStore>().Runs.SaveRunAsync(
            new RunRecord("earlier", new JobId("a", "invoices"), startedAt, startedAt.AddSeconds(1), RunOutcome.Succeeded, null, null, RunCounts.Zero, new Dictionary<ErrorClass, long>(), [], null),
            default).AsTask();
}
