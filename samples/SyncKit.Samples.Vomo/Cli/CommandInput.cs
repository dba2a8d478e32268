namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// What a parsed command line asks for, typed (<see cref="VomoOptions.Read"/>): the command, its sub-command, and
/// each option's value, so the commands never see the parser.
/// </summary>
internal sealed record CommandInput
{
    /// <summary>The command (<c>demo</c> when none is given), as messages name it.</summary>
    public required string Command { get; init; }

    /// <summary>The sub-command of <c>checkpoint</c>, <c>dlq</c> or <c>runs</c>.</summary>
    public string? Subcommand { get; init; }

    public string? VomoUrl { get; init; }

    /// <summary>The tenants' tokens given with <c>--token</c>, by tenant name.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; init; } = new Dictionary<string, string>();

    public string? Tenant { get; init; }

    public string? Store { get; init; }

    public string? Webhook { get; init; }

    public bool Json { get; init; }

    public string? Dashboard { get; init; }

    public bool Watch { get; init; }

    /// <summary><c>--mode full</c> (a full reconciliation) rather than incremental.</summary>
    public bool Full { get; init; }

    public IVomoStream? Resource { get; init; }

    public DateTimeOffset? From { get; init; }

    /// <summary>The window's end (<c>replay</c>, <c>backfill</c>), or where <c>checkpoint reset</c> moves the checkpoint.</summary>
    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; }

    public string? File { get; init; }

    public int Port { get; init; }

    public int Seed { get; init; }

    /// <summary>The stream <c>--resource</c> names, which the parser requires of the commands that act on one.</summary>
    public IVomoStream RequiredResource =>
        Resource ?? throw new UsageException($"'{Command}' needs --resource {string.Join("|", VomoStreams.Names)}.");

    /// <summary>The window <c>[--from, --to)</c> of <c>replay</c> and <c>backfill</c>, which must be in order.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Window() =>
        (From, To) is ({ } from, { } to) && from < to
            ? (from, to)
            : throw new UsageException($"'--to' ({RunText.Time(To)}) must be later than '--from' ({RunText.Time(From)}).");
}
