using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

/// <summary>Shared set-up for engine tests: a fake clock, an in-memory store and helpers to make records.</summary>
public abstract class EngineTestBase
{
    protected static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected static readonly JobId Job = new("tenant-a", "invoices");

    protected FakeTimeProvider Time { get; } = new(T0);

    protected InMemorySyncStateStore Store { get; }

    protected SyncEngine Engine { get; }

    protected EngineTestBase()
    {
        Store = new InMemorySyncStateStore(Time);
        Engine = new SyncEngine(Store, Time);
    }

    protected static SourceRecord<TestRecord> Record(int id, int secondsAfterT0, long version = 1) =>
        new TestRecord(id.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(secondsAfterT0), version).ToSourceRecord();

    protected static CollectingDestination<TestRecord> NewDestination(bool transactional = false) =>
        new(r => r.Version) { WritesInStateTransaction = transactional };

    protected static SyncJob<TestRecord> NewJob(ISource<TestRecord> source, IDestination<TestRecord> destination, Action<SyncJobOptions>? configure = null) =>
        new(Job, source, destination, new JsonRecordSerializer<TestRecord>()) { Options = NewOptions(configure) };

    /// <summary>
    /// The product's defaults (<see cref="SyncJobOptions"/>), its 5-minute lookback included, so a test sees what a
    /// user's job does; a test about another value sets it and says why. The one exception is
    /// <see cref="SyncJobOptions.RetryBaseDelay"/>: zero, so a retry does not wait for the fake clock to be advanced
    /// in tests that are not about timing (the tests of retry timing set it).
    /// </summary>
    protected static SyncJobOptions NewOptions(Action<SyncJobOptions>? configure = null)
    {
        var options = new SyncJobOptions { RetryBaseDelay = TimeSpan.Zero };
        configure?.Invoke(options);
        return options;
    }

    protected Task<Cursor?> CheckpointAsync() => Store.Checkpoints.GetAsync(Job, default).AsTask();
}
