using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Errors;

/// <summary>Authentication and authorization failures stop the job with a clear error: never retried, never dead-lettered.</summary>
public sealed class AuthFailureTests : EngineTestBase
{
    [Fact]
    public async Task RunAsync_DestinationRejectsOneRecordAsUnauthorized_StopsTheJobBeforeThatRecord()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var attempts = 0;
        destination.Fail = r => r.Key == "4" && Interlocked.Increment(ref attempts) > 0
            ? RecordOutcome.Failed(ErrorClass.Authorization, "403: the token may not write to this account")
            : null;

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.Partitions = 1));

        run.Outcome.Should().Be(RunOutcome.Stopped);
        run.Error.Should().Contain("4").And.Contain("403: the token may not write to this account");
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Authorization] = 1 });
        attempts.Should().Be(1, "an authorization failure is not retried");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0, "the record is not at fault; the job is");
        (await CheckpointAsync()).Should().Be(Cursor.At(T0.AddSeconds(3), "3"), "the checkpoint stops before the rejected record");
    }

    [Theory]
    [InlineData(ErrorClass.Authentication)]
    [InlineData(ErrorClass.Authorization)]
    public async Task RunAsync_DestinationRejectsTheWholeBatch_StopsTheJobWithoutRetryOrDeadLetters(ErrorClass errorClass)
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 10).Select(i => Record(i, i)));
        var destination = NewDestination();
        var calls = 0;
        destination.BeforeWrite = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new SyncException(errorClass, "the CRM rejected the API key");
        };

        var run = await Engine.RunAsync(NewJob(source, destination, o => o.Partitions = 1));

        run.Outcome.Should().Be(RunOutcome.Stopped);
        run.Error.Should().Contain("the CRM rejected the API key");
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [errorClass] = 1 });
        calls.Should().Be(1, "the batch is neither retried nor split into records");
        (await Store.DeadLetters.CountAsync(Job, default)).Should().Be(0);
        (await CheckpointAsync()).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_SourceRejectsTheCredentials_StopsTheJobWithoutRetry()
    {
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        source.FailNextRead(new HttpRequestException("401", null, System.Net.HttpStatusCode.Unauthorized));

        var run = await Engine.RunAsync(NewJob(source, NewDestination()));

        run.Outcome.Should().Be(RunOutcome.Stopped);
        run.Error.Should().Contain("401");
        run.ErrorsByClass.Should().Equal(new Dictionary<ErrorClass, long> { [ErrorClass.Authentication] = 1 });
        source.Reads.Should().Be(1);
    }
}
