using System.Diagnostics;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_NoArguments_IsTheDemo()
    {
        CommandLine.Parse([]).Command.Name.Should().Be("demo");
    }

    [Fact]
    public void Parse_CommandWithSubcommandRepeatableTokensFlagsAndEqualsForm_ReadsThemAll()
    {
        var line = CommandLine.Parse(["checkpoint", "reset", "--tenant", "acme", "--resource=users", "--token", "acme=a=b", "--token", "globex=c", "--json", "--to", "2026-01-01T00:00:00Z"]);

        (line.Command.Name, line.Subcommand).Should().Be(("checkpoint", "reset"));
        line.Value("tenant").Should().Be("acme");
        line.Value("resource").Should().Be("users");
        line.Values("token").Should().Equal("acme=a=b", "globex=c");
        line.Flag("json").Should().BeTrue();
        line.Flag("watch").Should().BeFalse();
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "Unknown command 'bogus'")]
    [InlineData(new[] { "sync", "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "sync", "--port", "1" }, "'sync' does not take '--port'")]
    [InlineData(new[] { "sync", "--tenant" }, "'--tenant' needs a value")]
    [InlineData(new[] { "sync", "--tenant", "a", "--tenant", "b" }, "'--tenant' is given more than once")]
    [InlineData(new[] { "dlq", "purge" }, "'dlq' needs one of: list, retry")]
    [InlineData(new[] { "sync", "acme" }, "Unexpected argument 'acme'")]
    public void Parse_BadArguments_ThrowsUsageNamingTheProblem(string[] args, string message)
    {
        FluentActions.Invoking(() => CommandLine.Parse(args)).Should().Throw<UsageException>().WithMessage($"*{message}*");
    }

    [Fact]
    public async Task Process_UnknownCommand_ExitsWith2AndOneLineWithoutAStackTrace()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [SampleProcess.Program, "bogus"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(ExitCodes.BadArguments);
        error.Trim().Should().StartWith("error: Unknown command 'bogus'").And.NotContain(" at ");
    }
}
