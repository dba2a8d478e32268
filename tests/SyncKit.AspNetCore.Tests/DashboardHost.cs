using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.AspNetCore.Tests;

/// <summary>
/// A real Kestrel host on 127.0.0.1 with the dashboard mapped at /synckit, and a run history seeded through the
/// core's API on a fake clock:
/// <list type="bullet">
/// <item>acme/orders: three runs ten minutes apart (the third dead-letters record 12 as a validation failure, which
/// the destination keeps refusing until a test clears <see cref="CollectingDestination{T}.Fail"/>), an
/// incremental reconciliation pass, then a failed run ten minutes later (lag 10 min); the audit log on;</item>
/// <item>acme/customers: one run, then a checkpoint reset by "alice";</item>
/// <item>globex/orders: one run stopped by an authentication failure (stalled).</item>
/// </list>
/// A request header <see cref="RemoteAddressHeader"/> stands in for a non-local client: the host rewrites the
/// connection's remote address before the dashboard sees it.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    public const string RemoteAddressHeader = "X-Test-Remote-Address";
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly ConcurrentDictionary<JobId, ScriptedSource<TestRecord>> _sources = new();
    private readonly ConcurrentDictionary<JobId, CollectingDestination<TestRecord>> _destinations = new();

    private DashboardHost(WebApplication app, FakeTimeProvider time)
    {
        App = app;
        Time = time;
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public Uri BaseAddress => new(App.Urls.Single());

    public IServiceProvider Services => App.Services;

    public ISyncStateStore Store => Services.GetRequiredService<ISyncStateStore>();

    public static JobId AcmeOrders { get; } = new("acme", "orders");

    public static JobId AcmeCustomers { get; } = new("acme", "customers");

    public static JobId GlobexOrders { get; } = new("globex", "orders");

    /// <summary>The run ids the seeding left, by what they were.</summary>
    public Dictionary<string, string> Runs { get; } = new(StringComparer.Ordinal);

    public ScriptedSource<TestRecord> Source(JobId job) => _sources.GetOrAdd(job, _ => new ScriptedSource<TestRecord>());

    public CollectingDestination<TestRecord> Destination(JobId job) => _destinations.GetOrAdd(job, _ => new CollectingDestination<TestRecord>(r => r.Version));

    public HttpClient CreateClient(bool followRedirects = true) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };

    public static async Task<DashboardHost> StartAsync(Action<IEndpointConventionBuilder>? configureDashboard = null, Action<WebApplicationBuilder>? configureHost = null, Action<WebApplication>? configurePipeline = null, params string[] moreOrderTenants)
    {
        var time = new FakeTimeProvider(T0);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        DashboardHost? host = null;
        builder.Services.AddSyncKit(b => b
            .ConfigureScheduler(s => s.Enabled = false)
            .AddJob<TestRecord>("orders", job => job
                .ForTenants(["acme", "globex", .. moreOrderTenants])
                .UseSource((_, tenant) => host!.Source(new JobId(tenant, "orders")))
                .UseDestination((_, tenant) => host!.Destination(new JobId(tenant, "orders")))
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(Options))
            .AddJob<TestRecord>("customers", job => job
                .ForTenants("acme")
                .UseSource((_, tenant) => host!.Source(new JobId(tenant, "customers")))
                .UseDestination((_, tenant) => host!.Destination(new JobId(tenant, "customers")))
                .UseSerializer(_ => new JsonRecordSerializer<TestRecord>())
                .Configure(Options)));
        builder.Services.AddSyncKitDashboard();
        configureHost?.Invoke(builder);

        var app = builder.Build();
        host = new DashboardHost(app, time);
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue(RemoteAddressHeader, out var address))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
            }

            return next(context);
        });
        configurePipeline?.Invoke(app);
        var dashboard = app.MapSyncKitDashboard("/synckit");
        configureDashboard?.Invoke(dashboard);
        await app.StartAsync();
        await host.SeedAsync();
        return host;
    }

    public SyncJob<TestRecord> Job(JobId id) =>
        new(id, Source(id), Destination(id), new JsonRecordSerializer<TestRecord>()) { Options = Options() };

    public static SourceRecord<TestRecord> Record(int i, int version = 1) =>
        new TestRecord(i.ToString(CultureInfo.InvariantCulture), T0.AddSeconds(i), version).ToSourceRecord();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static SyncJobOptions Options()
    {
        var options = new SyncJobOptions();
        Options(options);
        return options;
    }

    private static void Options(SyncJobOptions o)
    {
        o.Lookback = TimeSpan.Zero;
        o.RetryBaseDelay = TimeSpan.Zero;
        o.Cadence = TimeSpan.FromMinutes(10);
        o.AuditLog = true;
        o.Reconciliation.IncrementalWindow = TimeSpan.FromDays(1);
    }

    private async Task SeedAsync()
    {
        var runner = Services.GetRequiredService<SyncJobRunner>();
        var engine = Services.GetRequiredService<SyncEngine>();

        foreach (var i in Enumerable.Range(1, 10))
        {
            Source(AcmeOrders).Add(Record(i));
        }

        Time.Advance(TimeSpan.FromMinutes(1));
        Runs["orders-1"] = (await runner.RunAsync(AcmeOrders)).RunId;
        Time.Advance(TimeSpan.FromMinutes(10));
        Source(AcmeOrders).Add(Record(11));
        Runs["orders-2"] = (await runner.RunAsync(AcmeOrders)).RunId;
        Time.Advance(TimeSpan.FromMinutes(10));
        Source(AcmeOrders).Add(Record(12));
        Destination(AcmeOrders).Fail = r => r.Key == "12" ? RecordOutcome.Failed(ErrorClass.Validation, "amount must be positive") : null;
        Runs["orders-3"] = (await runner.RunAsync(AcmeOrders)).RunId;
        Runs["reconcile"] = (await new SyncReconciler(engine).ReconcileIncrementalAsync(Job(AcmeOrders))).RunId;
        Time.Advance(TimeSpan.FromMinutes(10));
        Source(AcmeOrders).FailNextRead(new SyncException(ErrorClass.Permanent, "upstream answered 500"));
        Runs["orders-4"] = (await runner.RunAsync(AcmeOrders)).RunId;

        Source(AcmeCustomers).Add(Record(1));
        Source(AcmeCustomers).Add(Record(2));
        Runs["customers-1"] = (await runner.RunAsync(AcmeCustomers)).RunId;
        Runs["reset"] = (await new CheckpointOperations(engine).ResetAsync(AcmeCustomers, Cursor.At(T0.AddSeconds(1), "1"), "alice", "re-read record 2")).RunId;

        Source(GlobexOrders).Add(Record(1));
        Source(GlobexOrders).FailNextRead(new SyncException(ErrorClass.Authentication, "token revoked"));
        Runs["globex-1"] = (await runner.RunAsync(GlobexOrders)).RunId;
        Time.Advance(TimeSpan.FromMinutes(1));
    }
}
