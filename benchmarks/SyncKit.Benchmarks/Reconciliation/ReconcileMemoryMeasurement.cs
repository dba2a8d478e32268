using System.Diagnostics;

namespace SyncKit.Benchmarks.Reconciliation;

/// <summary>
/// Runs one side of <see cref="ReconcileBenchmarks"/> once in this (fresh) process and reports the peak working set
/// and the managed heap's peak: run it once per side and compare, since a process's peak covers everything it did.
/// </summary>
public static class ReconcileMemoryMeasurement
{
    public static async Task<int> RunAsync(string side)
    {
        var keys = KeySpace.Create(1_000_000, missingEvery: 1_000);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var sampler = new PeakHeapSampler();
        var stopwatch = Stopwatch.StartNew();
        long found = side switch
        {
            "baseline" => await keys.HandWrittenDiffAsync(),
            "synckit" => await keys.SyncKitFullReconcileAsync(),
            _ => throw new ArgumentException($"Unknown side '{side}': use baseline or synckit.", nameof(side)),
        };
        stopwatch.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(
            $"{side}: differences {found:N0}, elapsed {stopwatch.Elapsed.TotalMilliseconds:N0} ms, " +
            $"peak heap above the keys {(sampler.Peak - before) / (1024 * 1024)} MB, peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MB");
        return 0;
    }
}
