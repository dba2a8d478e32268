using System.Globalization;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>Reads typed option values, each problem a <see cref="UsageException"/> naming the option.</summary>
internal static class Arguments
{
    /// <summary>An ISO 8601 timestamp; without an offset it is UTC.</summary>
    public static DateTimeOffset? Timestamp(CommandLine line, string option)
    {
        if (line.Value(option) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw new UsageException($"'--{option}' must be an ISO 8601 timestamp such as 2026-03-02T09:00:00Z, not '{text}'.");
    }

    /// <summary>The window <c>--from</c> … <c>--to</c> of replay and backfill: both required, in order.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Window(CommandLine line)
    {
        var from = Timestamp(line, "from") ?? throw new UsageException($"'{line.Command.Name}' needs --from TIMESTAMP.");
        var to = Timestamp(line, "to") ?? throw new UsageException($"'{line.Command.Name}' needs --to TIMESTAMP.");
        return from < to ? (from, to) : throw new UsageException($"'--to' ({Text(to)}) must be later than '--from' ({Text(from)}).");
    }

    /// <summary>A whole number in a range.</summary>
    public static int Number(CommandLine line, string option, int min, int max, int fallback)
    {
        if (line.Value(option) is not { } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new UsageException($"'--{option}' must be a whole number from {min} to {max}, not '{text}'.");
    }

    /// <summary>The stream <c>--resource</c> names: users, projects or groups.</summary>
    public static IVomoStream Stream(CommandLine line)
    {
        var resource = line.Value("resource") ?? throw new UsageException($"'{line.Command.Name}' needs --resource {string.Join("|", VomoStreams.Names)}.");
        return VomoStreams.Find(resource)
            ?? throw new UsageException($"'--resource' must be one of {string.Join(", ", VomoStreams.Names)}, not '{resource}'.");
    }

    /// <summary>A timestamp as the commands print it.</summary>
    public static string Text(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";
}
