using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using SyncKit;
using SyncKit.Postgres;
using SyncKit.Postgres.Host;

// A small host for the PostgreSQL multi-instance tests, killed with SIGKILL at arbitrary moments.
//   worker key=value...  claims leases on tenants x streams jobs and runs the ones it holds until killed
if (args.Length == 0 || args[0] != "worker")
{
    Console.Error.WriteLine("usage: SyncKit.Postgres.Host worker key=value...");
    return 2;
}

var settings = args.Skip(1).Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
string Setting(string name) => settings[name];
int Number(string name) => int.Parse(settings[name], CultureInfo.InvariantCulture);

var schema = Setting("schema");
var owner = Setting("owner");
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
await using var dataSource = NpgsqlDataSource.Create(Setting("connection"));
var options = new PostgresSyncStateStoreOptions
{
    Schema = schema,
    LeaseOwner = owner,
    LeaseDuration = TimeSpan.FromMilliseconds(Number("leaseMs")),
    LeaseRenewInterval = TimeSpan.FromMilliseconds(Number("renewMs")),
};
var store = new PostgresSyncStateStore(dataSource, options, loggerFactory: loggerFactory);
await store.StartAsync(default);
var engine = new SyncEngine(store, loggerFactory: loggerFactory);
var source = new NumberedSource(Number("records"), TimeSpan.FromMilliseconds(Number("pageDelayMs")));

SyncJob<NumberedRow> JobFor(JobId id, long fencingToken) =>
    new(id, source, new TableDestination(schema, owner, fencingToken), new JsonRecordSerializer<NumberedRow>())
    {
        Options = new SyncJobOptions
        {
            PageSize = 5,
            BatchSize = 5,
            Partitions = 1,
            QueueCapacity = 10,

            // No lookback: each committed batch then moves the checkpoint past all it wrote, so the tests can check
            // that every record was written exactly once however often hosts die; a lookback re-writes on purpose.
            Lookback = TimeSpan.Zero,
            MaxRetryAttempts = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            ShutdownGracePeriod = TimeSpan.FromSeconds(1),
        },
    };

var jobs = (from t in Enumerable.Range(0, Number("tenants"))
            from s in Enumerable.Range(0, Number("streams"))
            select new JobId($"tenant-{t}", $"stream-{s}")).ToList();
var maxLeases = Number("maxLeases");
var held = new ConcurrentDictionary<JobId, Task>();
var leases = store.Leases;

// Looks for free jobs every pollMs (well under the renew interval), so an orphaned job is taken within lease
// duration + renew interval of its owner's death.
var poll = TimeSpan.FromMilliseconds(Number("pollMs"));
while (true)
{
    var room = maxLeases - held.Count;
    if (room > 0)
    {
        try
        {
            foreach (var lease in await leases.TryAcquireAsync(jobs.Where(j => !held.ContainsKey(j)).ToList(), room, default))
            {
                held[lease.Job] = Task.Run(() => RunWhileHeldAsync(lease));
            }
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"acquire failed: {ex.Message}");
        }
    }

    await Task.Delay(poll);
}

async Task RunWhileHeldAsync(JobLease lease)
{
    using var lost = new CancellationTokenSource();
    var renewing = RenewWhileHeldAsync(lease, lost);
    while (!lost.IsCancellationRequested)
    {
        var idle = true;
        try
        {
            var run = await engine.RunAsync(JobFor(lease.Job, lease.FencingToken), lost.Token);
            idle = run.Counts.Read == 0 || run.Outcome == RunOutcome.Failed;
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"run of {lease.Job} threw: {ex.Message}");
        }

        if (idle)
        {
            await Task.Delay(200, lost.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    await renewing;
    held.TryRemove(lease.Job, out _);
}

async Task RenewWhileHeldAsync(JobLease lease, CancellationTokenSource lost)
{
    while (true)
    {
        await Task.Delay(leases.RenewInterval);
        try
        {
            lease = await leases.RenewAsync(lease, default);
        }
        catch (LeaseLostException)
        {
            await lost.CancelAsync();
            return;
        }
        catch (NpgsqlException ex)
        {
            Console.Error.WriteLine($"renew of {lease.Job} failed: {ex.Message}");
        }
    }
}
