using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using SyncKit.Benchmarks.Postgres;
using SyncKit.Testing;

namespace SyncKit.Benchmarks.Dashboard;

/// <summary>The store behind the dashboard.</summary>
public enum DashboardStore
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The dashboard's overview for 500 tenants × 3 jobs over 1,000,000 runs (<see cref="DashboardDataset.Standard"/>). The
/// baseline runs the hand-written queries the overview needs (<see cref="RawOverviewQueries"/>); the measured
/// methods ask a real Kestrel host on loopback for the overview — the JSON API and the HTML page — so they pay
/// for everything a browser's request costs: HTTP, the dashboard's queries through the core's operator API, the
/// health judgement and the rendering.
/// </summary>
[MemoryDiagnoser]
public class DashboardBenchmarks
{
    private static readonly TimeSpan BudgetWindow = new SyncHealthOptions().ErrorBudgetWindow;
    private static readonly double Budget = new SyncHealthOptions().ErrorBudget;

    private PostgresBenchmarkDatabase? _postgres;
    private WebApplication? _host;
    private HttpClient? _client;
    private System.Data.Common.DbConnection? _raw;
    private RawOverviewQueries? _queries;

    private static DashboardDataset Dataset => DashboardDataset.Standard;

    [Params(DashboardStore.Sqlite, DashboardStore.Postgres)]
    public DashboardStore Store { get; set; }

    [GlobalSetup]
    public async Task Seed()
    {
        Action<SyncKitBuilder> useStore;
        if (Store == DashboardStore.Sqlite)
        {
            var path = await DashboardSeed.SqliteAsync(Dataset);
            useStore = b => b.UseSqlite(o => o.ConnectionString = path);
            var raw = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
            raw.Open();
            _raw = raw;
            _queries = new RawOverviewQueries(raw, RawDialect.Sqlite, Dataset.Jobs);
        }
        else
        {
            _postgres = await PostgresBenchmarkDatabase.CreateAsync();
            await DashboardSeed.PostgresAsync(Dataset, _postgres);
            var (connectionString, schema) = (_postgres.DataSource.ConnectionString, _postgres.Schema);
            useStore = b => b.UsePostgres(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = schema;
            });
            _raw = await _postgres.DataSource.OpenConnectionAsync();
            _queries = new RawOverviewQueries(_raw, new RawDialect(
                t => _postgres.Qualify("{schema}." + t),
                c => c,
                "(cursor->>'t')::timestamptz",
                Positional: true,
                i => i.UtcDateTime,
                (r, o) => new DateTimeOffset(r.GetFieldValue<DateTime>(o))), Dataset.Jobs);
        }

        _host = await StartHostAsync(Dataset, useStore);
        _client = new HttpClient { BaseAddress = new Uri(_host.Urls.Single()) };
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await StopAsync(_client, _queries, _raw, _host);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawQueries() => (await _queries!.RunAsync(DashboardDataset.Now, BudgetWindow, Budget)).Count;

    /// <summary>Closes what a dashboard benchmark's setup opened: the client, the baseline's queries and connection, the host.</summary>
    internal static async Task StopAsync(HttpClient? client, RawOverviewQueries? queries, System.Data.Common.DbConnection? raw, WebApplication? host)
    {
        client?.Dispose();
        queries?.Dispose();
        if (raw is not null)
        {
            await raw.DisposeAsync();
        }

        if (host is not null)
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    [Benchmark]
    public async Task<int> OverviewApi() => (await _client!.GetStringAsync("/synckit/api/tenants")).Length;

    [Benchmark]
    public async Task<int> OverviewPage() => (await _client!.GetStringAsync("/synckit/")).Length;

    /// <summary>A Kestrel host on loopback with the dataset's jobs registered (scheduler off) and the dashboard at <c>/synckit</c>.</summary>
    internal static async Task<WebApplication> StartHostAsync(DashboardDataset dataset, Action<SyncKitBuilder> useStore)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FixedClock(DashboardDataset.Now));
        builder.Services.AddSyncKit(b =>
        {
            useStore(b.ConfigureScheduler(s => s.Enabled = false));
            foreach (var stream in DashboardDataset.Streams)
            {
                b.AddJob<TestRecord>(stream, job => job
                    .ForTenants([.. dataset.TenantNames])
                    .UseSource((_, _) => new ScriptedSource<TestRecord>())
                    .UseDestination((_, _) => new CollectingDestination<TestRecord>(r => r.Version))
                    .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                    .Configure(o => o.Cadence = DashboardDataset.Cadence));
            }
        });
        builder.Services.AddSyncKitDashboard();
        var app = builder.Build();
        app.MapSyncKitDashboard("/synckit");
        await app.StartAsync();
        return app;
    }

    /// <summary>The dataset's "now", so lag, the error budget's window and the page are the same on every run.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
