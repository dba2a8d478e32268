using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Resilience;

/// <summary>
/// A run refused by an open breaker says what opened it — the failure and the job it came from, which may be another
/// stream sharing the breaker — not only that the circuit is open.
/// </summary>
public sealed class BreakerCauseTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_SharedSourceBreakerOpenedByAnotherStream_ErrorNamesThatStreamAndItsFailure()
    {
        var failing = new ScriptedSource<TestRecord>([Record(1, 1)])
        {
            BeforeRead = (_, _) => throw new SyncException(ErrorClass.Transient, "VOMO answered 500 to GET /users"),
        };
        await Engine.RunAsync(JobOf(new JobId("acme", "users"), failing, NewDestination(), maxRetryAttempts: 2, sourceName: "vomo-acme"));

        var blocked = await Engine.RunAsync(JobOf(new JobId("acme", "groups"), new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination(), maxRetryAttempts: 0, sourceName: "vomo-acme"));

        blocked.Outcome.Should().Be(RunOutcome.Failed);
        blocked.Error.Should().Contain("circuit").And.Contain("source:vomo-acme").And.Contain("acme/users failed: VOMO answered 500 to GET /users");
        (await Store.Runs.GetRunAsync(blocked.RunId, default))!.Error.Should().Be(blocked.Error);
    }

    [Fact]
    public async Task RunAsync_TenantDestinationBreakerOpenedByAnotherStream_ErrorNamesThatStreamAndItsFailure()
    {
        var failing = NewDestination();
        failing.BeforeWrite = (_, _) => throw new HttpRequestException("connection refused (crm.example.org:443)");
        await Engine.RunAsync(JobOf(new JobId("tenant-a", "invoices"), new ScriptedSource<TestRecord>([Record(1, 1)]), failing, maxRetryAttempts: 2));

        var blocked = await Engine.RunAsync(JobOf(new JobId("tenant-a", "payments"), new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination(), maxRetryAttempts: 0));

        blocked.Outcome.Should().Be(RunOutcome.Failed);
        blocked.Error.Should().Contain("destination:tenant-a:crm").And.Contain("tenant-a/invoices failed: connection refused (crm.example.org:443)");
    }

    [Fact]
    public async Task ReconcileFullAsync_LookupRefusedByABreakerAnotherStreamOpened_PassErrorNamesThatStreamAndItsFailure()
    {
        var failing = new ScriptedSource<TestRecord>([Record(1, 1)])
        {
            BeforeRead = (_, _) => throw new SyncException(ErrorClass.Transient, "VOMO answered 500 to GET /users"),
        };
        await Engine.RunAsync(JobOf(new JobId("acme", "users"), failing, NewDestination(), maxRetryAttempts: 2, sourceName: "vomo-acme"));

        // The CRM holds a group the source no longer lists: the pass looks it up at the source, through the open breaker.
        var groups = new JobId("acme", "groups");
        var destination = NewDestination();
        await Engine.RunAsync(JobOf(groups, new ScriptedSource<TestRecord>([Record(2, 1)]), destination, maxRetryAttempts: 0, sourceName: "vomo-acme-crm-seed"));
        var reconciled = JobOf(groups, new ScriptedSource<TestRecord>([]), destination, maxRetryAttempts: 0, sourceName: "vomo-acme");
        reconciled.Options.Reconciliation.GapThreshold = 1; // one extra key of one is not a reason to pause

        var pass = await new SyncReconciler(Engine).ReconcileFullAsync(reconciled);

        pass.Outcome.Should().Be(RunOutcome.Failed);
        pass.Error.Should().Contain("source:vomo-acme").And.Contain("acme/users failed: VOMO answered 500 to GET /users");
    }

    private static SyncJob<TestRecord> JobOf(JobId job, ScriptedSource<TestRecord> source, CollectingDestination<TestRecord> destination, int maxRetryAttempts, string? sourceName = null) =>
        new(job, source, destination, new JsonRecordSerializer<TestRecord>())
        {
            Options = NewOptions(o =>
            {
                o.MaxRetryAttempts = maxRetryAttempts;
                o.SourceName = sourceName;
                o.DestinationName = "crm";
                o.CircuitBreaker.MinimumThroughput = 3;
                o.CircuitBreaker.FailureRatio = 0.5;
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(45);
            }),
        };
}
