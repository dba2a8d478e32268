using System.CommandLine;
using System.CommandLine.Help;
using SyncKit.Samples.Vomo.Cli;
using SyncKit.Samples.Vomo.Tests.Support;

namespace SyncKit.Samples.Vomo.Tests.Cli;

/// <summary>
/// The sample README holds the contract users rely on, so it cannot fall behind the parser: every command,
/// sub-command and option the command line takes is in its "Command line" section.
/// </summary>
public sealed class ReadmeContractTests
{
    private static readonly RootCommand Root = new VomoCli(CommandLines.Environment()).Root;

    [Fact]
    public void CommandTable_HasARowForEveryCommandNamingItsSubcommands()
    {
        var rows = CommandLineSection().Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal)).ToList();

        foreach (var command in Root.Subcommands)
        {
            var row = rows.FirstOrDefault(r => r.Contains($"`{command.Name}`", StringComparison.Ordinal) || r.Contains($"`{command.Name} ", StringComparison.Ordinal));
            row.Should().NotBeNull($"the README's command table has a row for '{command.Name}'");
            foreach (var subcommand in command.Subcommands)
            {
                row.Should().Contain(subcommand.Name);
            }
        }
    }

    [Fact]
    public void CommandLineSection_NamesEveryOption()
    {
        var section = CommandLineSection();
        var options = Root.Options.Concat(Root.Subcommands.SelectMany(Descendants).SelectMany(c => c.Options))
            .Where(o => o is not (HelpOption or VersionOption))
            .Select(o => o.Name)
            .Distinct();

        foreach (var option in options)
        {
            section.Should().Contain($"`{option}", $"the README describes {option}");
        }
    }

    private static IEnumerable<Command> Descendants(Command command) => [command, .. command.Subcommands.SelectMany(Descendants)];

    /// <summary>The README's "Command line" section, up to the next heading.</summary>
    private static string CommandLineSection()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SyncKit.sln")))
        {
            directory = directory.Parent;
        }

        directory.Should().NotBeNull("the tests run from inside the repository");
        var readme = File.ReadAllText(Path.Combine(directory!.FullName, "samples", "SyncKit.Samples.Vomo", "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n### Command line\n", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, "the README has a 'Command line' section");
        var end = readme.IndexOf("\n#", start + 1, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }
}
