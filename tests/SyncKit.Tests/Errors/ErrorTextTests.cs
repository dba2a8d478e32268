using SyncKit.Testing;
using SyncKit.Tests.Engine;

namespace SyncKit.Tests.Errors;

/// <summary>Error texts from connectors and remote servers reach run history and the dead-letter queue clean and bounded.</summary>
public sealed class ErrorTextTests : EngineTestBase
{
    private const string Hostile = "\u001b[2J\u001b[31mpwned\u001b[0m\r\nline two\tand\u0007 a bell, \u202Edesrever\u202C, \0nul";

    [Fact]
    public void Clean_ControlCharactersAndBidiOverrides_AreRemovedAndLineBreaksBecomeSpaces()
    {
        var cleaned = ErrorText.Clean(Hostile);

        cleaned.Should().Be("[2J[31mpwned[0m  line two and a bell, desrever, nul");
        cleaned.Should().NotContainAny("\u001b", "\r", "\n", "\t", "\u0007", "\u202E", "\0");
    }

    [Fact]
    public void Clean_TextLongerThanTheLimit_IsCutToMaxLengthEndingWithAnEllipsis()
    {
        var cleaned = ErrorText.Clean(new string('x', 100_000));

        cleaned!.Length.Should().Be(ErrorText.MaxLength);
        cleaned.Should().EndWith("…");
    }

    [Fact]
    public void Clean_SurrogatePairAtTheCut_IsNotSplit()
    {
        var cleaned = ErrorText.Clean(new string('x', ErrorText.MaxLength - 2) + string.Concat(Enumerable.Repeat("😀", 10)));

        cleaned!.Length.Should().BeLessThanOrEqualTo(ErrorText.MaxLength);
        char.IsHighSurrogate(cleaned[^2]).Should().BeFalse();
        cleaned.Should().EndWith("…");
    }

    [Fact]
    public void Clean_CleanShortText_IsReturnedAsIs()
    {
        const string text = "VOMO answered 422 to POST /users: email must be valid — ünïcode stays";

        ErrorText.Clean(text).Should().BeSameAs(text);
        ErrorText.Clean(null).Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_HostileErrorTexts_AreStoredCleanAndBoundedInDeadLettersAndRunHistory()
    {
        var huge = Hostile + new string('y', 50_000);
        var source = new ScriptedSource<TestRecord>(Enumerable.Range(1, 5).Select(i => Record(i, i)));
        var destination = NewDestination();
        destination.Fail = r => r.Key == "2" ? RecordOutcome.Failed(ErrorClass.Validation, huge) : null;

        await Engine.RunAsync(NewJob(source, destination));
        source.FailNextRead(new SyncException(ErrorClass.Permanent, huge));
        var failed = await Engine.RunAsync(NewJob(source, destination));

        var dead = (await Store.DeadLetters.ListAsync(DeadLetterQuery.ForJob(Job), default)).Should().ContainSingle().Subject;
        var stored = await Store.Runs.GetRunAsync(failed.RunId, default);
        foreach (var text in new[] { dead.LastError, stored!.Error!, failed.Error! })
        {
            text.Length.Should().BeLessThanOrEqualTo(ErrorText.MaxLength);
            text.Should().Contain("pwned").And.NotContainAny("\u001b", "\r", "\n", "\u0007", "\u202E", "\0");
        }
    }
}
