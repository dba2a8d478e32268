using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Hosting.Internal;
using SyncKit.Tests.Engine.Support;
using Xunit;

namespace SyncKit.Tests.Retention;

public sealed class SyncRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("acme", "users");

    private readonly FakeTimeProvider _time = new(Now.AddYears(-10));
    private readonly InMemorySyncStateStore _store;

    public SyncRetentionTests() => _store = new InMemorySyncStateStore(_time);

    [Fact]
    public async Task PurgeAsync_Defaults_KeepNinetyDaysOfRunsThirtyOfAuditAndDedupKeysForEver()
    {
        await SaveRunAsync("ended-100-days-ago", daysAgo: 100);
        await SaveRunAsync("ended-50-days-ago", daysAgo: 50);
        await SaveRunAsync("ended-yesterday", daysAgo: 1);
        await _store.Runs.AppendAuditAsync(
            [Audit("ended-100-days-ago", "a", daysAgo: 100), Audit("ended-50-days-ago", "b", daysAgo: 50), Audit("ended-yesterday", "c", daysAgo: 1)],
            CancellationToken.None);
        await CompleteDedupAsync("welcome-years-ago", daysAgo: 3_000);
        _time.SetUtcNow(Now);

        var pass = await Retention(new RetentionOptions()).PurgeAsync();

        pass.Should().BeEquivalentTo(new { Runs = 1L, AuditEntries = 2L, DedupKeys = 0L, Error = (string?)null }, "audit goes after 30 days, before its run");
        (await RunIdsAsync()).Should().Equal("ended-50-days-ago", "ended-yesterday");
        (await _store.Runs.GetAuditAsync(Job, "b", CancellationToken.None)).Should().BeEmpty("audit is kept 30 days, while its run is kept 90");
        (await _store.Runs.GetAuditAsync(Job, "c", CancellationToken.None)).Should().ContainSingle();
        (await _store.Dedup.GetCompletedAsync("acme", ["welcome-years-ago"], CancellationToken.None)).Should().Equal(["welcome-years-ago"], "a key may name an entity, whose side effect would repeat");
    }

    [Fact]
    public async Task PurgeAsync_DedupLimitSet_DeletesKeysCompletedBeforeIt()
    {
        await CompleteDedupAsync("welcome-old", daysAgo: 31);
        await CompleteDedupAsync("welcome-recent", daysAgo: 29);
        _time.SetUtcNow(Now);

        var pass = await Retention(new RetentionOptions { Dedup = TimeSpan.FromDays(30) }).PurgeAsync();

        pass.DedupKeys.Should().Be(1);
        (await _store.Dedup.GetCompletedAsync("acme", ["welcome-old", "welcome-recent"], CancellationToken.None)).Should().Equal("welcome-recent");
    }

    [Fact]
    public async Task PurgeAsync_ManyOldRuns_DeletesThemAllInBatchesOfTheBatchSize()
    {
        _time.SetUtcNow(Now);
        for (var i = 0; i < 7; i++)
        {
            await SaveRunAsync($"old-{i}", daysAgo: 200 + i);
        }

        var retention = Retention(new RetentionOptions { BatchSize = 3 });
        var pass = await retention.PurgeAsync();

        pass.Runs.Should().Be(7);
        (await RunIdsAsync()).Should().BeEmpty();
        retention.LastPass.Should().Be(pass);
    }

    [Fact]
    public async Task PurgeAsync_NullLimits_KeepThatHistoryForEver()
    {
        await SaveRunAsync("ancient", daysAgo: 3_000);
        await _store.Runs.AppendAuditAsync([Audit("ancient", "a", daysAgo: 3_000)], CancellationToken.None);
        await CompleteDedupAsync("welcome", daysAgo: 3_000);
        _time.SetUtcNow(Now);

        var pass = await Retention(new RetentionOptions { Runs = null, Audit = null, Dedup = null }).PurgeAsync();

        pass.Should().BeEquivalentTo(new { Runs = 0L, AuditEntries = 0L, DedupKeys = 0L });
        (await RunIdsAsync()).Should().Equal("ancient");
        (await _store.Runs.GetAuditAsync(Job, "a", CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task HostedRetention_PurgesAfterTheFirstPassDelayAndThenEveryInterval()
    {
        _time.SetUtcNow(Now);
        var watched = new TimerWatchingTimeProvider(_time);
        var retention = new SyncRetention(_store, new RetentionOptions { FirstPassDelay = TimeSpan.FromMinutes(5) }, watched);
        using var scheduler = new RetentionScheduler(retention, watched);
        using var stopping = new CancellationTokenSource();
        var firstWait = watched.WhenTimerCreated(TimeSpan.FromMinutes(5));
        var loop = scheduler.RunAsync(stopping.Token);
        await firstWait.OrHang();

        var firstPassDone = watched.WhenTimerCreated(TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        retention.LastPass.Should().BeNull("the first pass waits for the host's first wave of syncs");
        _time.Advance(TimeSpan.FromTicks(1));
        await firstPassDone.OrHang();
        retention.LastPass!.StartedAt.Should().Be(Now.AddMinutes(5));

        await SaveRunAsync("ended-91-days-ago", daysAgo: 91);
        var secondPassDone = watched.WhenTimerCreated(TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromHours(1));
        await secondPassDone.OrHang();
        retention.LastPass!.StartedAt.Should().Be(Now.AddMinutes(65));
        retention.LastPass.Runs.Should().Be(1);

        await stopping.CancelAsync();
        await loop.OrHang();
    }

    [Fact]
    public async Task AddSyncKit_AuditKeptLongerThanRuns_FailsAtStartNamingBothLimits()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSyncKit(kit => kit.ConfigureRetention(r => (r.Runs, r.Audit) = (TimeSpan.FromDays(7), TimeSpan.FromDays(30))));
        using var host = new HostBuilder().ConfigureServices(s => { foreach (var d in services) { s.Add(d); } }).Build();

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>())
            .Which.Message.Should().Contain("RetentionOptions.Audit").And.Contain("RetentionOptions.Runs");
    }

    [Fact]
    public void Constructor_AuditKeptLongerThanRuns_IsRefusedNamingBoth() =>
        FluentActions.Invoking(() => new SyncRetention(_store, new RetentionOptions { Runs = TimeSpan.FromDays(7) }))
            .Should().Throw<ArgumentException>().WithMessage("*RetentionOptions.Audit*RetentionOptions.Runs*");

    [Fact]
    public async Task AddSyncKit_RetentionIsHostedAndResolvable()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSyncKit(kit => kit.ConfigureRetention(r => r.BatchSize = 50));
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<SyncRetention>().Options.BatchSize.Should().Be(50);
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s is RetentionScheduler);
    }

    private SyncRetention Retention(RetentionOptions options) => new(_store, options, _time);

    private async Task SaveRunAsync(string runId, int daysAgo)
    {
        var ended = Now.AddDays(-daysAgo);
        await _store.Runs.SaveRunAsync(
            new RunRecord(runId, Job, ended.AddMinutes(-1), ended, RunOutcome.Succeeded, null, null, new RunCounts(1, 1, 0, 0, 0, 0), new Dictionary<ErrorClass, long>(), [], null),
            CancellationToken.None);
    }

    private static AuditEntry Audit(string runId, string key, int daysAgo) =>
        new(runId, Job, key, Cursor.At(Now.AddDays(-daysAgo), key), AuditActions.Written, Now.AddDays(-daysAgo));

    private async Task CompleteDedupAsync(string key, int daysAgo)
    {
        _time.SetUtcNow(Now.AddDays(-daysAgo));
        await _store.Dedup.CompleteAsync("acme", [key], CancellationToken.None);
    }

    private async Task<IReadOnlyList<string>> RunIdsAsync() =>
        (await _store.Runs.QueryRunsAsync(new RunQuery(), CancellationToken.None)).Select(r => r.RunId).Order(StringComparer.Ordinal).ToList();
}
