using System.Diagnostics.Metrics;
using SyncKit.Simulation.Scheduling;
using SyncKit.Simulation.World;

namespace SyncKit.Simulation;

/// <summary>
/// The syncing process during one life: its engine over its own store object, the job declared once for every run
/// and operator action, and the meter whose queue-depth gauge the checks read.
/// </summary>
internal sealed class Life : IDisposable
{
    private readonly Meter _meter;
    private readonly MeterListener _listener = new();
    private long _queueDepth;

    private Life(Incarnation incarnation, ISyncStateStore store, SyncEngine engine, SyncJob<SimRecord> job, Meter meter)
    {
        Incarnation = incarnation;
        Store = store;
        Engine = engine;
        Job = job;
        _meter = meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter == _meter && instrument.Name == SyncKitDiagnostics.Instruments.QueueDepth)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => _queueDepth = Math.Max(_queueDepth, value));
        _listener.Start();
    }

    public Incarnation Incarnation { get; }

    /// <summary>The real store object this life opened (the engine sees it through <see cref="SimStore"/>).</summary>
    public ISyncStateStore Store { get; }

    public SyncEngine Engine { get; }

    public SyncJob<SimRecord> Job { get; }

    public static async Task<Life> StartAsync(int number, SeedPlan plan, Scheduler scheduler, StoreHost host, SourceLog log, Observations seen, TimeProvider time, Microsoft.Extensions.Logging.ILoggerFactory logging)
    {
        var incarnation = new Incarnation(number);
        var store = await host.OpenAsync(time);
        var meter = new Meter(SyncKitDiagnostics.Name);
        var engine = new SyncEngine(new SimStore(store, scheduler, incarnation, host.RealIo), time, logging, new OneMeter(meter));

        // Polly's jitter draws from the seed too, so retry delays replay.
        engine.Services.Resilience.Randomizer = scheduler.Random.NextDouble;
        var job = new SyncJob<SimRecord>(
            new JobId("tenant", "rows"),
            new SimSource(scheduler, incarnation, log, seen, time, plan.Faults, plan.Horizon),
            new SimDestination(scheduler, incarnation, host.Rows, host.RealIo, seen, plan.Faults, plan.SideEffects),
            new JsonRecordSerializer<SimRecord>())
        {
            Options = plan.Options,
        };
        return new Life(incarnation, store, engine, job, meter);
    }

    /// <summary>The most records the engine held between reading and committing since the last call.</summary>
    public long TakeQueueDepth()
    {
        _queueDepth = 0;
        _listener.RecordObservableInstruments();
        return _queueDepth;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _meter.Dispose();
    }

    /// <summary>Hands the engine this life's meter, so a dead life's gauges are never read.</summary>
    private sealed class OneMeter(Meter meter) : IMeterFactory
    {
        public Meter Create(MeterOptions options) => meter;

        public void Dispose()
        {
        }
    }
}
