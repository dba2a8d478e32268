using System.Diagnostics;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Benchmarks.Vomo;

/// <summary>
/// Lists every key of a generated VOMO tenant through <see cref="VomoSource{T}.ListKeysAsync"/>, as a full
/// reconciliation does, and reports what the listing costs in memory: the listing must hold the whole tenant before it
/// can hand on its first key in id order, so what it keeps per user shows. The engine's reconciliation is left out:
/// it holds the destination's keys, which this measurement is not about.
/// </summary>
public static class VomoKeyListingMemoryMeasurement
{
    public static async Task<int> RunAsync(long users)
    {
        using var handler = new GeneratedUsersHandler(users);
        using var http = new HttpClient(handler);
        var client = new VomoClient(http, new VomoConnection("benchmark-token", new Uri("http://vomo.invalid/v1/")));
        var source = new VomoSource<VomoUser>(client, VomoResources.Users);

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var sampler = new PeakHeapSampler();
        var stopwatch = Stopwatch.StartNew();
        long keys = 0;
        await foreach (var _ in source.ListKeysAsync(new JobId("acme", "users"), CancellationToken.None))
        {
            keys++;
        }

        stopwatch.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(
            $"users: {users:N0}, keys: {keys:N0}, requests: {handler.Requests:N0}, elapsed: {stopwatch.Elapsed}, " +
            $"peak managed heap: {(sampler.Peak - before) / (1024 * 1024)} MB, peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MB");
        return keys == users ? 0 : 1;
    }
}
