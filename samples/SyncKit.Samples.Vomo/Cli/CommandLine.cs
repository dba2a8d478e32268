namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// The parsed command line: a command (default <c>demo</c>), an optional sub-command (<c>checkpoint show</c>),
/// and <c>--name value</c> / <c>--name=value</c> options, some repeatable, some flags.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _options;

    private CommandLine(CommandSpec command, string? subcommand, Dictionary<string, List<string>> options)
    {
        Command = command;
        Subcommand = subcommand;
        _options = options;
    }

    public CommandSpec Command { get; }

    public string? Subcommand { get; }

    /// <summary>Parses <paramref name="args"/> against the command table; throws <see cref="UsageException"/> naming the first problem.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var position = 0;
        var name = args.Count > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[position++] : "demo";
        var command = CommandSpec.All.FirstOrDefault(c => c.Name == name)
            ?? throw new UsageException($"Unknown command '{name}'. Commands: {string.Join(", ", CommandSpec.All.Select(c => c.Name))}.");

        string? subcommand = null;
        if (command.Subcommands.Count > 0)
        {
            subcommand = position < args.Count && !args[position].StartsWith("--", StringComparison.Ordinal) ? args[position++] : null;
            if (subcommand is null || !command.Subcommands.Contains(subcommand))
            {
                throw new UsageException($"'{name}' needs one of: {string.Join(", ", command.Subcommands)}.");
            }
        }

        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (position < args.Count)
        {
            var arg = args[position++];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}': options start with '--'.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var option = equals > 0 ? arg[2..equals] : arg[2..];
            var spec = OptionSpec.Find(option)
                ?? throw new UsageException($"Unknown option '--{option}'.");
            if (!command.Options.Contains(option) && !OptionSpec.Common.Contains(spec))
            {
                throw new UsageException($"'{name}' does not take '--{option}'.");
            }

            string value;
            if (spec.IsFlag)
            {
                value = "true";
            }
            else if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (position < args.Count && !args[position].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[position++];
            }
            else
            {
                throw new UsageException($"'--{option}' needs a value.");
            }

            if (!options.TryGetValue(option, out var values))
            {
                options[option] = values = [];
            }
            else if (!spec.IsRepeatable)
            {
                throw new UsageException($"'--{option}' is given more than once.");
            }

            values.Add(value);
        }

        return new CommandLine(command, subcommand, options);
    }

    public string? Value(string option) => _options.TryGetValue(option, out var values) ? values[0] : null;

    public IReadOnlyList<string> Values(string option) => _options.TryGetValue(option, out var values) ? values : [];

    public bool Flag(string option) => _options.ContainsKey(option);
}
