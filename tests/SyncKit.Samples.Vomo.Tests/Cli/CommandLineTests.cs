using System.Diagnostics;
using System.Text.RegularExpressions;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>
/// The command line of the sample README's contract on the parser: every command and option, the demo when no
/// command is given, help on every command, completions, and a refused command line exiting 2 with a message that
/// names what is wrong and repeats no secret.
/// </summary>
public sealed class CommandLineTests
{
    /// <summary>The contract's commands, as the README lists them.</summary>
    private static readonly string[] Commands = ["demo", "sync", "reconcile", "replay", "backfill", "checkpoint", "dlq", "runs", "status", "push-groups", "simulate"];

    /// <summary>The options every command takes.</summary>
    private static readonly string[] CommonOptions = ["--vomo-url", "--token", "--tenant", "--store", "--webhook", "--json", "--dashboard"];

    [Fact]
    public void Read_NoCommand_IsTheDemo()
    {
        CommandLines.Read().Command.Should().Be("demo");
        CommandLines.Read("--store", "sqlite:x.db").Should().Match<CommandInput>(i => i.Command == "demo" && i.Store == "sqlite:x.db");
    }

    [Fact]
    public void Read_CommandWithSubcommandRepeatableTokensFlagsAndEqualsForm_ReadsThemAll()
    {
        var input = CommandLines.Read("checkpoint", "reset", "--tenant", "acme", "--resource=users", "--token", "acme=a=b", "--token", "globex=c", "--json", "--to", "2026-01-01T00:00:00Z");

        (input.Command, input.Subcommand).Should().Be(("checkpoint", "reset"));
        input.Tenant.Should().Be("acme");
        input.Resource!.Name.Should().Be("users");
        input.Tokens.Should().Equal(new Dictionary<string, string> { ["acme"] = "a=b", ["globex"] = "c" });
        input.Json.Should().BeTrue();
        input.Watch.Should().BeFalse();
        input.To.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("--limit", "7")]
    [InlineData("--limit=7")]
    public void Read_OptionValue_IsTakenInEitherForm(params string[] option)
    {
        CommandLines.Read(["runs", "list", .. option]).Limit.Should().Be(7);
    }

    [Fact]
    public void Read_OptionsLeftOut_TakeTheirDefaults()
    {
        CommandLines.Read("runs", "list").Limit.Should().Be(20);
        CommandLines.Read("reconcile").Full.Should().BeFalse();
        CommandLines.Read("reconcile", "--mode", "full").Full.Should().BeTrue();
        CommandLines.Read("simulate").Should().Match<CommandInput>(i => i.Port == 0 && i.Seed == 1);
    }

    [Theory]
    [InlineData(new[] { "bogus" }, "Unrecognized command or argument 'bogus'")]
    [InlineData(new[] { "sync", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "sync", "--port", "1" }, "Unrecognized command or argument '--port'")]
    [InlineData(new[] { "sync", "acme" }, "Unrecognized command or argument 'acme'")]
    [InlineData(new[] { "sync", "--tenant" }, "Required argument missing for option: '--tenant'")]
    [InlineData(new[] { "runs", "list", "--limit" }, "Required argument missing for option: '--limit'")]
    [InlineData(new[] { "sync", "--tenant", "a", "--tenant", "b" }, "Option '--tenant' expects a single argument but 2 were provided")]
    [InlineData(new[] { "dlq" }, "'dlq' needs one of: list, retry")]
    [InlineData(new[] { "dlq", "purge" }, "Unrecognized command or argument 'purge'")]
    [InlineData(new[] { "checkpoint", "show", "--resource", "users" }, "'checkpoint show' needs --tenant NAME")]
    [InlineData(new[] { "reconcile", "--mode", "sideways" }, "'--mode' must be incremental or full, not 'sideways'")]
    public async Task Run_BadArguments_Exits2NamingTheProblem(string[] args, string message)
    {
        var (exitCode, output, error) = await RunAsync(args);

        exitCode.Should().Be(ExitCodes.BadArguments);
        output.Should().BeEmpty();
        error.Should().StartWith("error: ").And.Contain($"error: {message}");
    }

    [Fact]
    public async Task Run_MistypedCommand_SuggestsTheCommand()
    {
        var (exitCode, _, error) = await RunAsync(["snyc"]);

        exitCode.Should().Be(ExitCodes.BadArguments);
        error.Should().Contain("'snyc' was not matched").And.EndWith($" --help' for the usage.{Environment.NewLine}");
        Lines(error).Should().Contain("sync");
    }

    [Fact]
    public async Task Run_UnmatchedWordWithASecret_ShowsItOnlyUpToItsEqualsSign()
    {
        var (exitCode, _, error) = await RunAsync(["sync", "acme=s3cret-token", "--vomo-url", "http://127.0.0.1:9/v1"]);

        exitCode.Should().Be(ExitCodes.BadArguments);
        error.Should().Contain("'acme=…'").And.NotContain("s3cret");
    }

    [Fact]
    public async Task Run_TokenWithoutItsTenant_Exits2WithoutEchoingIt()
    {
        var (exitCode, _, error) = await RunAsync(["sync", "--token", "s3cret-token"]);

        exitCode.Should().Be(ExitCodes.BadArguments);
        error.Should().Contain("'--token' must be NAME=TOKEN").And.NotContain("s3cret");
    }

    [Fact]
    public async Task Run_NoCommand_RunsTheDemo()
    {
        await using var cli = await CliHarness.StartAsync(users: 3, projects: 1, groups: 1);

        var (exitCode, output) = await cli.RunRawAsync(cli.CommonArguments());

        exitCode.Should().Be(ExitCodes.Done, output);
        output.Should().Contain("Syncing into").And.Contain("Run summary:").And.Contain("acme/users");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_Root_DescribesEveryCommandAndCommonOption(string help)
    {
        var (exitCode, output, error) = await RunAsync([help]);

        exitCode.Should().Be(ExitCodes.Done, error);
        foreach (var command in Commands)
        {
            output.Should().MatchRegex(DescribedLine(command), $"'{command}' is a command of the contract");
        }

        foreach (var option in CommonOptions)
        {
            output.Should().MatchRegex(DescribedLine(option));
        }
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("sync", "--watch")]
    [InlineData("reconcile", "--mode")]
    [InlineData("replay", "--resource", "--from", "--to")]
    [InlineData("backfill", "--resource", "--from", "--to")]
    [InlineData("checkpoint show", "--resource")]
    [InlineData("checkpoint reset", "--resource", "--to")]
    [InlineData("dlq list")]
    [InlineData("dlq retry")]
    [InlineData("runs list", "--limit")]
    [InlineData("status")]
    [InlineData("push-groups", "--file")]
    [InlineData("simulate", "--port", "--seed")]
    public async Task Help_EveryCommand_DescribesEachOfItsOptionsAndTheCommonOnes(string command, params string[] options)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var (exitCode, output, error) = await RunAsync([.. command.Split(' '), help]);

            exitCode.Should().Be(ExitCodes.Done, error);
            output.Should().Contain($" {command} [options]");
            foreach (var option in options.Concat(CommonOptions))
            {
                output.Should().MatchRegex(DescribedLine(option), $"'{command}' takes {option}");
            }
        }
    }

    [Theory]
    [InlineData("checkpoint", "show", "reset")]
    [InlineData("dlq", "list", "retry")]
    [InlineData("runs", "list")]
    public async Task Help_CommandOfSubcommands_DescribesEachOfThem(string command, params string[] subcommands)
    {
        var (exitCode, output, _) = await RunAsync([command, "--help"]);

        exitCode.Should().Be(ExitCodes.Done);
        foreach (var subcommand in subcommands)
        {
            output.Should().MatchRegex(DescribedLine(subcommand));
        }
    }

    [Theory]
    [InlineData("reconcile --mode ", "full", "incremental")]
    [InlineData("replay --resource ", "groups", "projects", "users")]
    [InlineData("sync --wa", "--watch")]
    [InlineData("checkpoint ", "reset", "show")]
    public void Completions_PartialCommandLine_OfferWhatMayFollow(string typed, params string[] expected)
    {
        var completions = new VomoCli(CommandLines.Environment()).Root.Parse(typed).GetCompletions().Select(c => c.Label);

        completions.Should().Contain(expected);
    }

    [Fact]
    public async Task Process_UnknownCommand_ExitsWith2AndNamesItWithoutAStackTrace()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [SampleProcess.Program, "bogus"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(ExitCodes.BadArguments);
        error.Trim().Should().StartWith("error: Unrecognized command or argument 'bogus'").And.NotContain(" at ");
    }

    [Fact]
    public async Task Process_Help_Exits0WithTheUsageOnStandardOutput()
    {
        using var process = Process.Start(new ProcessStartInfo("dotnet", [SampleProcess.Program, "--help"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(ExitCodes.Done);
        output.Should().Contain("Usage:").And.Contain("Commands:").And.MatchRegex(DescribedLine("push-groups"));
    }

    /// <summary>Runs a command line in-process as the program does.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exitCode = await new VomoCli(CommandLines.Environment(output)).RunAsync(args, error, default);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A line of help naming <paramref name="name"/> (a command, or an option with its value) and describing it.</summary>
    private static string DescribedLine(string name) => $@"(?m)^\s+(\S+, )*{Regex.Escape(name)}( <[^>]+>)?( \(REQUIRED\))?\s{{2,}}\w";

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.Trim());
}
