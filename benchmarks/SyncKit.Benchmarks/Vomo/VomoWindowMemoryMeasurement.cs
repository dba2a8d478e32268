using System.Diagnostics;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Benchmarks.Vomo;

/// <summary>
/// A first sync of a VOMO tenant of many users through the sample's real <see cref="VomoSource{T}"/> (its defaults,
/// pages read ahead) on the engine, against a VOMO that makes its pages on the fly (<see cref="GeneratedUsersHandler"/>),
/// into a destination that only counts. The first window covers the whole tenant, so whatever the source keeps per
/// user shows in the peak heap and working set; run it in a fresh process per tenant size and compare.
/// </summary>
public static class VomoWindowMemoryMeasurement
{
    public static async Task<int> RunAsync(long users)
    {
        using var handler = new GeneratedUsersHandler(users);
        using var http = new HttpClient(handler);
        var client = new VomoClient(http, new VomoConnection("benchmark-token", new Uri("http://vomo.invalid/v1/")));
        var destination = new CountingDestination();
        var job = new SyncJob<VomoUser>(new JobId("acme", "users"), new VomoSource<VomoUser>(client, VomoResources.Users), destination, VomoRecordSerializers.Users)
        {
            Options = new SyncJobOptions { SourceName = "vomo:acme", Lookback = TimeSpan.FromMinutes(1) },
        };
        var engine = new SyncEngine(new InMemorySyncStateStore());

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var sampler = new PeakHeapSampler();
        var stopwatch = Stopwatch.StartNew();
        var run = await engine.RunAsync(job);
        stopwatch.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(
            $"users: {users:N0}, records: {destination.Records:N0}, requests: {handler.Requests:N0}, outcome: {run.Outcome}, elapsed: {stopwatch.Elapsed}, " +
            $"peak managed heap: {(sampler.Peak - before) / (1024 * 1024)} MB, peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MB");

        // The list holds still, so one pass hands on every user exactly once: anything else is a broken measurement.
        return run.Outcome == RunOutcome.Succeeded && destination.Records == users ? 0 : 1;
    }

    /// <summary>Counts what it is handed and keeps nothing, so the destination adds no memory per record.</summary>
    private sealed class CountingDestination : IDestination<VomoUser>
    {
        private long _records;

        public long Records => Interlocked.Read(ref _records);

        public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<VomoUser> batch, CancellationToken cancellationToken)
        {
            Interlocked.Add(ref _records, batch.Records.Count);
            return ValueTask.FromResult(RecordOutcomes.All(RecordOutcome.Written, batch.Records.Count));
        }
    }
}
