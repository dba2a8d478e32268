using System.Collections.Concurrent;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using SyncKit.Testing;

namespace SyncKit.Tests.Engine;

public sealed class EnginePropertyTests
{
    private const int MaxRetryAttempts = 3;
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobId Job = new("tenant-p", "orders");

    /// <summary>How the destination treats one record, attempt after attempt.</summary>
    private enum Fate
    {
        Succeeds,
        TransientThenSucceeds,
        RateLimitedThenSucceeds,
        Validation,
        TransientForever,
    }

    private sealed record Scenario(
        int[] Seconds,
        Fate[] Fates,
        int[] FailuresBeforeSuccess,
        int Partitions,
        int BatchSize,
        int PageSize,
        int BatchFaults,
        bool Transactional)
    {
        public int Count => Seconds.Length;

        public override string ToString() =>
            $"partitions {Partitions}, batch {BatchSize}, page {PageSize}, batch faults {BatchFaults}, transactional {Transactional}; "
            + string.Join(", ", Enumerable.Range(0, Count).Select(i => $"{i + 1}@{Seconds[i]}:{Fates[i]}{(Fates[i] is Fate.TransientThenSucceeds or Fate.RateLimitedThenSucceeds ? "x" + FailuresBeforeSuccess[i] : "")}"));
    }

    private static readonly Gen<Scenario> Scenarios =
        from count in Gen.Int[1, 150]
        from seconds in Gen.Int[0, 20].Array[count]
        from fates in Gen.Frequency(
            (10, Gen.Const(Fate.Succeeds)),
            (3, Gen.Const(Fate.TransientThenSucceeds)),
            (1, Gen.Const(Fate.RateLimitedThenSucceeds)),
            (2, Gen.Const(Fate.Validation)),
            (1, Gen.Const(Fate.TransientForever))).Array[count]
        from failures in Gen.Int[1, MaxRetryAttempts].Array[count]
        from partitions in Gen.Int[1, 6]
        from batchSize in Gen.Int[1, 20]
        from pageSize in Gen.Int[1, 40]
        from batchFaults in Gen.Int[0, 2]
        from transactional in Gen.Bool
        select new Scenario(seconds, fates, failures, partitions, batchSize, pageSize, batchFaults, transactional);

    [Fact]
    public async Task RunAsync_RandomRecordFailuresPartitionsAndBatchSizes_HandlesEveryRecordExactlyOnceAndCommitsTheLastPosition()
    {
        await Scenarios.SampleAsync(RunScenarioAsync, iter: 80, print: s => s.ToString());
    }

    private static async Task RunScenarioAsync(Scenario scenario)
    {
        var time = new FakeTimeProvider(T0);
        var store = new InMemorySyncStateStore(time);
        var engine = new SyncEngine(store, time);
        var records = Enumerable.Range(0, scenario.Count)
            .Select(i => new TestRecord((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(scenario.Seconds[i])).ToSourceRecord())
            .ToList();
        var fates = records.Select((r, i) => (r.Key, i)).ToDictionary(p => p.Key, p => (Fate: scenario.Fates[p.i], Failures: scenario.FailuresBeforeSuccess[p.i]));
        // Every call a record is part of is an attempt for it, a call that failed as a whole included.
        var attempts = new ConcurrentDictionary<string, int>();
        var destination = new CollectingDestination<TestRecord>(r => r.Version)
        {
            WritesInStateTransaction = scenario.Transactional,
            BeforeWrite = (batch, _) =>
            {
                foreach (var record in batch.Records)
                {
                    attempts.AddOrUpdate(record.Key, 1, (_, n) => n + 1);
                }

                return ValueTask.CompletedTask;
            },
            Fail = record =>
            {
                var (fate, failures) = fates[record.Key];
                return fate switch
                {
                    Fate.TransientThenSucceeds when attempts[record.Key] <= failures => RecordOutcome.Failed(ErrorClass.Transient, "connection reset"),
                    Fate.RateLimitedThenSucceeds when attempts[record.Key] <= failures => RecordOutcome.Failed(ErrorClass.RateLimited, "slow down", TimeSpan.Zero),
                    Fate.Validation => RecordOutcome.Failed(ErrorClass.Validation, "invalid"),
                    Fate.TransientForever => RecordOutcome.Failed(ErrorClass.Transient, "still down"),
                    _ => null,
                };
            },
        };
        for (var i = 0; i < scenario.BatchFaults; i++)
        {
            destination.FailNextBatch(new SyncException(ErrorClass.Transient, "503 Service Unavailable"));
        }

        var job = new SyncJob<TestRecord>(Job, new ScriptedSource<TestRecord>(records), destination, new JsonRecordSerializer<TestRecord>())
        {
            // The product's defaults but for the retry delay: zero, so retries need no fake clock advanced.
            Options = new SyncJobOptions
            {
                RetryBaseDelay = TimeSpan.Zero,
                MaxRetryAttempts = MaxRetryAttempts,
                Partitions = scenario.Partitions,
                BatchSize = scenario.BatchSize,
                PageSize = scenario.PageSize,
            },
        };

        var run = await engine.RunAsync(job);

        var deadLetters = await store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job) with { Limit = int.MaxValue }, default);
        var expectedDead = fates.Where(f => f.Value.Fate is Fate.Validation or Fate.TransientForever).Select(f => f.Key).ToHashSet();
        run.Error.Should().BeNull();
        run.Outcome.Should().Be(expectedDead.Count > 0 ? RunOutcome.CompletedWithDeadLetters : RunOutcome.Succeeded);
        destination.Rows.Keys.Order().Should().Equal(records.Select(r => r.Key).Except(expectedDead).Order(), "every record that can succeed is written");
        deadLetters.Select(d => d.RecordKey).Order().Should().Equal(expectedDead.Order(), "every record that cannot succeed is dead-lettered, and nothing else");
        destination.Deliveries.Should().BeEquivalentTo(
            records.Select(r => r.Key).Except(expectedDead).ToDictionary(k => k, _ => 1), "every record that can succeed is delivered once, and none twice");
        ((object?)await store.Checkpoints.GetAsync(Job, default)).Should().Be(records.Max(r => r.Position), "the checkpoint reaches the last position");

        // A record is retried only while it may still succeed: exactly as often as its own failures need, plus
        // at most the attempts a whole-batch fault took from it.
        foreach (var (key, (fate, failures)) in fates)
        {
            var needed = fate switch
            {
                Fate.Succeeds or Fate.Validation => 1,
                Fate.TransientThenSucceeds or Fate.RateLimitedThenSucceeds => failures + 1,
                _ => MaxRetryAttempts + 1,
            };
            attempts[key].Should().BeInRange(needed, Math.Max(needed, scenario.BatchFaults + 1), "record {0} ({1}) was attempted {2} times", key, fate, attempts[key]);
        }

        foreach (var deadLetter in deadLetters)
        {
            deadLetter.Attempts.Should().Be(attempts[deadLetter.RecordKey], "a dead letter records the attempts made");
        }
        run.Counts.Should().BeEquivalentTo(new
        {
            Read = (long)scenario.Count,
            Written = (long)destination.Rows.Count,
            Skipped = 0L,
            DeadLettered = (long)expectedDead.Count,
        });
    }
}
