using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Resilience;

/// <summary>
/// Jobs of one tenant that share a destination share its breaker. When they all start at once (a host's first
/// wave), the shared pipeline must be built once: a second build around the same breaker failed the run before it
/// was recorded, and the job waited a whole cadence.
/// </summary>
public sealed class SharedBreakerStartTests : EngineTestBase
{
    private const int Jobs = 8;
    private const int Rounds = 40;

    [Fact]
    public void RunAsync_ManyJobsOfOneTenantStartingAtOnce_AllRunAndShareOneDestinationBreaker()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var engine = new SyncEngine(Store, Time);
            var jobs = Enumerable.Range(0, Jobs).Select(i => new SyncJob<TestRecord>(
                new JobId($"tenant-{round}", $"stream-{i}"),
                new ScriptedSource<TestRecord>([Record(i + 1, 1)]),
                NewDestination(),
                new JsonRecordSerializer<TestRecord>())
            {
                Options = NewOptions(o => { o.DestinationName = "crm"; o.SourceName = "api"; }),
            }).ToList();
            var outcomes = new RunOutcome?[Jobs];
            var errors = new Exception?[Jobs];
            using var go = new ManualResetEventSlim();
            var threads = jobs.Select((job, i) => new Thread(() =>
            {
                go.Wait();
                try
                {
                    outcomes[i] = engine.RunAsync(job).GetAwaiter().GetResult().Outcome;
                }
                catch (Exception ex)
                {
                    errors[i] = ex;
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            go.Set();
            threads.ForEach(t => t.Join());

            errors.Should().AllSatisfy(e => e.Should().BeNull($"round {round}: a run must not throw before it is recorded"));
            outcomes.Should().AllSatisfy(o => o.Should().Be(RunOutcome.Succeeded));
        }
    }
}
