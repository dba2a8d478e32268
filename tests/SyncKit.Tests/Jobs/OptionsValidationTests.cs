using Microsoft.Extensions.Options;
using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Jobs;

/// <summary>
/// Every entry that runs a job refuses invalid options before it does anything, naming the job and the setting,
/// whether or not a host validated them: a job built by hand fails as clearly as a registered one.
/// </summary>
public sealed class OptionsValidationTests : EngineTestBase
{
    private static readonly DeadLetter Parked =
        new(Job, "7", Cursor.At(T0, "7"), "{}", ErrorClass.Validation, "bad", 10, T0, T0, null, DeadLetterStatus.Parked);

    public static TheoryData<string> Entries { get; } =
        ["RunAsync", "ReplayAsync", "BackfillAsync", "RetryNowAsync", "ReconcileIncrementalAsync", "ReconcileFullAsync", "RunDueAsync"];

    [Theory]
    [MemberData(nameof(Entries))]
    public async Task Entry_PageSizeZero_ThrowsNamingTheJobAndTheSettingBeforeDoingAnything(string entry)
    {
        await Store.DeadLetters.AddAsync([Parked], default);
        var job = NewJob(new ScriptedSource<TestRecord>([Record(1, -60)]), NewDestination(), o => o.PageSize = 0);

        var run = () => RunAsync(entry, job);

        (await run.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(Job.ToString()).And.Contain("PageSize");
        (await Store.Runs.QueryRunsAsync(new RunQuery(), default)).Should().BeEmpty();
        (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().Equal(Parked);
    }

    [Fact]
    public async Task RunAsync_InvalidNestedSetting_ThrowsNamingIt()
    {
        var job = NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination(), o => o.CircuitBreaker.MinimumThroughput = 1);

        var run = () => Engine.RunAsync(job);

        (await run.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("CircuitBreaker.MinimumThroughput");
    }

    [Fact]
    public async Task RunAsync_OptionsCorrectedAfterARefusal_Runs()
    {
        var job = NewJob(new ScriptedSource<TestRecord>([Record(1, 1)]), NewDestination(), o => o.PageSize = 0);
        var refused = () => Engine.RunAsync(job);
        await refused.Should().ThrowAsync<OptionsValidationException>();

        job.Options.PageSize = 10;
        var run = await Engine.RunAsync(job);

        run.Outcome.Should().Be(RunOutcome.Succeeded, "only options found valid are remembered as such");
    }

    private Task RunAsync(string entry, SyncJob<TestRecord> job) => entry switch
    {
        "RunAsync" => Engine.RunAsync(job),
        "ReplayAsync" => new WindowOperations(Engine).ReplayAsync(job, T0.AddHours(-1), T0),
        "BackfillAsync" => new WindowOperations(Engine).BackfillAsync(job, T0.AddHours(-1), T0),
        "RetryNowAsync" => new DeadLetterOperations(Engine).RetryNowAsync(job, [Parked.RecordKey], "ops@example.com"),
        "ReconcileIncrementalAsync" => new SyncReconciler(Engine).ReconcileIncrementalAsync(job),
        "ReconcileFullAsync" => new SyncReconciler(Engine).ReconcileFullAsync(job),
        "RunDueAsync" => new SyncReconciler(Engine).RunDueAsync(job, new StaggerPlan([Job.Tenant])),
        _ => throw new ArgumentOutOfRangeException(nameof(entry), entry, null),
    };
}
