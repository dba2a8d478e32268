using BenchmarkDotNet.Attributes;
namespace SyncKit.Benchmarks.Engine;

/// <summary>
/// What the engine costs over the loop a team would write by hand: 1,000,000 in-memory records into a
/// dictionary with a version check, a checkpoint per page of 1,000. Target: SyncEngine ≥ 0.8× the
/// baseline's throughput, ≤ 100 bytes allocated per record.
/// </summary>
[MemoryDiagnoser]
public class EngineOverheadBenchmarks
{
    private const int RecordCount = 1_000_000;
    private const int PageSize = 1_000;
    private static readonly JobId Job = new("tenant", "rows");
    private SourceRecord<Row>[] _records = [];
    private EngineInstrumentation _instrumentation = null!;

    /// <summary>1 is the default; 4 shows what parallel writes into the one shared dictionary cost on this machine.</summary>
    [Params(1, 4)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _records = ArraySource.Create(RecordCount);
        _instrumentation = new EngineInstrumentation();
    }

    [GlobalCleanup]
    public void Cleanup() => _instrumentation.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount)]
    public async Task<Cursor?> HandWrittenLoop()
    {
        var source = new ArraySource(_records);
        var destination = new DictionaryDestination();
        var store = new InMemorySyncStateStore();
        var checkpoint = await store.Checkpoints.GetAsync(Job, default);
        var context = new SourceReadContext(Job, PageSize);
        while (true)
        {
            var page = await source.ReadPageAsync(checkpoint, context, default);
            foreach (var record in page.Records)
            {
                destination.Upsert(record.Value);
            }

            if (page.Records.Count > 0)
            {
                checkpoint = page.Records[^1].Position;
                await store.Checkpoints.SaveAsync(Job, checkpoint, default);
            }

            if (!page.HasMore)
            {
                return checkpoint;
            }
        }
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public async Task<RunRecord> SyncEngine()
    {
        var engine = new SyncEngine(new InMemorySyncStateStore(), loggerFactory: _instrumentation.LoggerFactory);
        var job = new SyncJob<Row>(Job, new ArraySource(_records), new DictionaryDestination(), new JsonRecordSerializer<Row>())
        {
            Options = new SyncJobOptions { PageSize = PageSize, BatchSize = PageSize, Partitions = Partitions },
        };
        return await engine.RunAsync(job);
    }
}
