using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace SyncKit.Benchmarks.Dashboard;

/// <summary>
/// The dashboard's overview at the scale of 10,000 tenants × 3 jobs over 1,000,000 runs
/// (<see cref="DashboardDataset.AtScale"/>, SQLite). The baseline runs <see cref="DashboardBenchmarks"/>' hand-written
/// per-job queries for every job; the measured methods ask a real Kestrel host on loopback for one page of the
/// overview — the header over all 30,000 jobs and 50 tenants worst first — as the HTML page, the page filtered by
/// state and name, and the JSON twin <c>api/overview</c>. Target: a page in under a second.
/// </summary>
[MemoryDiagnoser]
public class DashboardScaleBenchmarks
{
    private static readonly SyncHealthOptions Health = new();

    private WebApplication? _host;
    private HttpClient? _client;
    private SqliteConnection? _raw;
    private RawOverviewQueries? _queries;

    [GlobalSetup]
    public async Task Seed()
    {
        var dataset = DashboardDataset.AtScale;
        var path = await DashboardSeed.SqliteAsync(dataset);
        _raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        _raw.Open();
        _queries = new RawOverviewQueries(_raw, RawDialect.Sqlite, dataset.Jobs);
        _host = await DashboardBenchmarks.StartHostAsync(dataset, b => b.UseSqlite(o => o.ConnectionString = path));
        _client = new HttpClient { BaseAddress = new Uri(_host.Urls.Single()), Timeout = TimeSpan.FromMinutes(5) };
    }

    [GlobalCleanup]
    public Task Cleanup() => DashboardBenchmarks.StopAsync(_client, _queries, _raw, _host);

    [Benchmark(Baseline = true)]
    public async Task<int> RawQueries() => (await _queries!.RunAsync(DashboardDataset.Now, Health.ErrorBudgetWindow, Health.ErrorBudget)).Count;

    [Benchmark]
    public async Task<int> OverviewPage() => (await _client!.GetStringAsync("/synckit/")).Length;

    [Benchmark]
    public async Task<int> OverviewPageFiltered() => (await _client!.GetStringAsync("/synckit/?state=Degraded&q=TENANT-9&after=Degraded:tenant-9100")).Length;

    [Benchmark]
    public async Task<int> OverviewApi() => (await _client!.GetStringAsync("/synckit/api/overview")).Length;
}
