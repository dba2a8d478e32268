using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// Every option of the sample's command line (the sample README, "Command line"), each declared once with its help
/// text, its parser and its completions. A value the parser refuses is a parse error naming the option (exit 2);
/// an error echoes a value only where it cannot be a secret, never a token. Values that may also come from the
/// configuration (<c>--vomo-url</c>, <c>--store</c>, <c>--webhook</c>) are checked with it, by <see cref="SampleSettings"/>.
/// </summary>
internal sealed class VomoOptions
{
    /// <summary>The options every command takes: the root's, recursive, so each command's help lists them too.</summary>
    public IReadOnlyList<Option> Common => [VomoUrl, Tokens, Tenant, Store, Webhook, Json, Dashboard];

    public Option<string?> VomoUrl { get; } = new("--vomo-url")
    {
        HelpName = "URL",
        Description = "The VOMO API base (https://api.vomo.org/v1, or a simulator's http://127.0.0.1:PORT/v1); without it 'demo' uses the built-in simulator. Also Vomo__Url.",
        Recursive = true,
    };

    /// <summary><c>--token NAME=TOKEN</c>, repeatable; a later token for the same tenant replaces an earlier one.</summary>
    public Option<Dictionary<string, string>> Tokens { get; } = new("--token")
    {
        HelpName = "NAME=TOKEN",
        Description = "A tenant (VOMO organization) and its API token; repeatable. Prefer Vomo__Tokens__NAME in the environment or appsettings.json: a command line is visible to every user of the machine (ps). Tokens never appear in output or logs.",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
        CustomParser = TenantTokens,
    };

    public Option<string?> Tenant { get; } = new("--tenant")
    {
        HelpName = "NAME",
        Description = "The tenant a command acts on (replay, backfill, checkpoint, push-groups), or a filter (runs, dlq, status, sync, reconcile).",
        Recursive = true,
    };

    public Option<string?> Store { get; } = new("--store")
    {
        HelpName = "sqlite:PATH|postgres:CONNECTION_STRING",
        Description = "The database of SyncKit's state and the CRM tables [default: sqlite:./vomo-sync.db]. Also Vomo__Store; a connection string is never echoed.",
        Recursive = true,
    };

    public Option<string?> Webhook { get; } = new("--webhook")
    {
        HelpName = "URL",
        Description = "Post welcome notifications to this URL (JSON {\"tenant\",\"user_id\",\"email\"}, header Idempotency-Key: welcome:<tenant>:<user_id>); without it they go to the crm_outbox table. Also Vomo__Webhook.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable output for runs, status, dlq and replay.",
        Recursive = true,
    };

    public Option<string?> Dashboard { get; } = new("--dashboard")
    {
        HelpName = "URL",
        Description = "While 'sync --watch' or 'demo' runs, serve the SyncKit operations dashboard and its JSON API at this loopback address (http://127.0.0.1:5080/synckit), and Prometheus metrics at /metrics.",
        Recursive = true,
    };

    public Option<bool> Watch { get; } = new("--watch")
    {
        Description = "Keep polling at each tenant's cadence (Vomo__Cadence) until Ctrl+C or SIGTERM, which let the runs in flight commit.",
    };

    public Option<string> Mode { get; } = new("--mode")
    {
        HelpName = "incremental|full",
        Description = "incremental: re-read a recent window and repair gaps; full: scan every key, soft-delete what VOMO confirms gone, report drift.",
        DefaultValueFactory = _ => "incremental",
        Validators = { Among("--mode", "incremental", "full") },
        CompletionSources = { "incremental", "full" },
    };

    /// <summary><c>--resource</c>: one of the streams <see cref="VomoStreams"/> declares, which also name its completions.</summary>
    public Option<IVomoStream> Resource { get; } = new("--resource")
    {
        HelpName = string.Join("|", VomoStreams.Names),
        Description = "The resource (stream) the command acts on.",
        Required = true,
        CustomParser = result => VomoStreams.Find(result.Tokens[0].Value) ?? Refuse<IVomoStream>(result, $"'--resource' must be one of {string.Join(", ", VomoStreams.Names)}, not '{result.Tokens[0].Value}'."),
        CompletionSources = { VomoStreams.Names.ToArray() },
    };

    /// <summary>The start of the window of <c>replay</c> and <c>backfill</c>, inclusive.</summary>
    public Option<DateTimeOffset?> From { get; } = new("--from")
    {
        HelpName = "TIMESTAMP",
        Description = "The window's start, inclusive: an ISO 8601 timestamp (UTC when it has no offset), e.g. 2026-03-01T00:00:00Z.",
        Required = true,
        CustomParser = Timestamp,
    };

    /// <summary>The end of the window of <c>replay</c> and <c>backfill</c>, exclusive.</summary>
    public Option<DateTimeOffset?> To { get; } = new("--to")
    {
        HelpName = "TIMESTAMP",
        Description = "The window's end, exclusive: an ISO 8601 timestamp later than --from.",
        Required = true,
        CustomParser = Timestamp,
    };

    /// <summary>Where <c>checkpoint reset</c> moves the checkpoint; unlike the window's end it may be left out.</summary>
    public Option<DateTimeOffset?> ResetTo { get; } = new("--to")
    {
        HelpName = "TIMESTAMP",
        Description = "Where the checkpoint moves (the next sync opens a window there); without it the checkpoint is removed and the next sync reads everything.",
        CustomParser = Timestamp,
    };

    public Option<int> Limit { get; } = new("--limit")
    {
        HelpName = "N",
        Description = "How many runs to list, newest first.",
        DefaultValueFactory = _ => 20,
        CustomParser = result => Number(result, 1, 100_000),
    };

    public Option<string> File { get; } = new("--file")
    {
        HelpName = "groups.json",
        Description = "The groups to create: a JSON array of {\"name\", \"description\", \"parent_id\"}, one group per name.",
        Required = true,
    };

    public Option<int> Port { get; } = new("--port")
    {
        HelpName = "P",
        Description = "The loopback port the simulator listens on; 0 picks a free one.",
        DefaultValueFactory = _ => 0,
        CustomParser = result => Number(result, 0, 65_535),
    };

    public Option<int> Seed { get; } = new("--seed")
    {
        HelpName = "S",
        Description = "The seed of the simulator's data, faults and live changes: the same seed, the same run.",
        DefaultValueFactory = _ => 1,
        CustomParser = result => Number(result, int.MinValue, int.MaxValue),
    };

    /// <summary>
    /// The typed values of a parsed command line. An option the parsed command does not take reads as its type's
    /// default; each command reads only its own.
    /// </summary>
    public CommandInput Read(ParseResult parse)
    {
        // The command is the root's child (the root itself is the demo); a deeper one is its sub-command.
        var path = CommandPath(parse.CommandResult);
        return new CommandInput
        {
            Command = path.Count > 0 ? path[0] : VomoCli.DefaultCommand,
            Subcommand = path.Count > 1 ? path[1] : null,
            VomoUrl = parse.GetValue(VomoUrl),
            Tokens = parse.GetValue(Tokens) ?? [],
            Tenant = parse.GetValue(Tenant),
            Store = parse.GetValue(Store),
            Webhook = parse.GetValue(Webhook),
            Json = parse.GetValue(Json),
            Dashboard = parse.GetValue(Dashboard),
            Watch = parse.GetValue(Watch),
            Full = parse.GetValue(Mode) == "full",
            Resource = parse.GetValue(Resource),
            From = parse.GetValue(From),
            To = parse.GetValue(To) ?? parse.GetValue(ResetTo),
            Limit = parse.GetValue(Limit),
            File = parse.GetValue(File),
            Port = parse.GetValue(Port),
            Seed = parse.GetValue(Seed),
        };
    }

    /// <summary>The words naming a parsed command below the root: none for the root, <c>checkpoint show</c> for a sub-command.</summary>
    public static IReadOnlyList<string> CommandPath(CommandResult command)
    {
        var path = new List<string>();
        for (var result = command; result.Parent is CommandResult parent; result = parent)
        {
            path.Insert(0, result.Command.Name);
        }

        return path;
    }

    /// <summary>Each <c>NAME=TOKEN</c>; a malformed one is refused without being echoed, since it may be a bare token.</summary>
    private static Dictionary<string, string>? TenantTokens(ArgumentResult result)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in result.Tokens.Select(t => t.Value))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == token.Length - 1)
            {
                return Refuse<Dictionary<string, string>>(result, "'--token' must be NAME=TOKEN: a tenant name, '=', then the tenant's VOMO API token.");
            }

            tokens[token[..equals]] = token[(equals + 1)..];
        }

        return tokens;
    }

    /// <summary>An ISO 8601 timestamp; without an offset it is UTC.</summary>
    private static DateTimeOffset? Timestamp(ArgumentResult result)
    {
        var text = result.Tokens[0].Value;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : Refuse<DateTimeOffset?>(result, $"'{OptionName(result)}' must be an ISO 8601 timestamp such as 2026-03-02T09:00:00Z, not '{text}'.");
    }

    /// <summary>A whole number in a range.</summary>
    private static int Number(ArgumentResult result, int min, int max)
    {
        var text = result.Tokens[0].Value;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : Refuse<int>(result, $"'{OptionName(result)}' must be a whole number from {min} to {max}, not '{text}'.");
    }

    /// <summary>A value from a fixed list, which the option's completions also offer.</summary>
    private static Action<OptionResult> Among(string option, params string[] values) => result =>
    {
        if (result.GetValueOrDefault<string>() is { } value && !values.Contains(value, StringComparer.Ordinal))
        {
            result.AddError($"'{option}' must be {string.Join(" or ", values)}, not '{value}'.");
        }
    };

    private static T? Refuse<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }

    private static string OptionName(ArgumentResult result) => result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
