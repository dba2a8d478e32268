using BenchmarkDotNet.Attributes;

namespace SyncKit.Benchmarks.Reconciliation;

/// <summary>
/// Full reconciliation of 1,000,000 keys, in-memory source and destination, 0.1% of the source's keys missing at
/// the destination. Baseline <c>HandWrittenDiff</c>: load both key sets into hash sets and diff them. Measured
/// <c>SyncKitFullReconcile</c>: a full pass (no drift sample) that streams the source's keys against the
/// destination's, repairs the missing records through the engine and stores its report. Per key. Target ≥ 0.7×
/// the baseline's throughput, with peak memory no more than the baseline's (<see cref="ReconcileMemoryMeasurement"/>).
/// </summary>
[MemoryDiagnoser]
public class ReconcileBenchmarks
{
    private const int KeyCount = 1_000_000;
    private KeySpace _keys = null!;

    [GlobalSetup]
    public void Setup() => _keys = KeySpace.Create(KeyCount, missingEvery: 1_000);

    [Benchmark(Baseline = true, OperationsPerInvoke = KeyCount)]
    public Task<int> HandWrittenDiff() => _keys.HandWrittenDiffAsync();

    [Benchmark(OperationsPerInvoke = KeyCount)]
    public Task<long> SyncKitFullReconcile() => _keys.SyncKitFullReconcileAsync();
}
