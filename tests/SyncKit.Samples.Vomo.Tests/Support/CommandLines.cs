using Microsoft.Extensions.Configuration;
using SyncKit.Samples.Vomo.Cli;

namespace SyncKit.Samples.Vomo.Tests.Support;

/// <summary>Command lines parsed and run in-process exactly as the program parses and runs them.</summary>
internal static class CommandLines
{
    /// <summary>An environment with no settings, the system clock and <paramref name="output"/>.</summary>
    public static CommandEnvironment Environment(TextWriter? output = null) =>
        new(new ConfigurationBuilder().Build(), TimeProvider.System, output ?? TextWriter.Null);

    /// <summary>The typed input of a command line the parser accepts, for tests that call the settings or a command directly.</summary>
    public static CommandInput Read(params string[] args)
    {
        var cli = new VomoCli(Environment());
        var parse = cli.Parse(args);
        parse.Errors.Select(e => e.Message).Should().BeEmpty();
        return cli.Options.Read(parse);
    }

    /// <summary>Runs <paramref name="args"/> in <paramref name="environment"/>; a usage error is written to its output too.</summary>
    public static Task<int> RunAsync(CommandEnvironment environment, string[] args, CancellationToken cancellationToken = default) =>
        new VomoCli(environment).RunAsync(args, environment.Output, cancellationToken);
}
