using System.CommandLine;
using System.CommandLine.Invocation;

namespace SyncKit.Samples.Vomo.Cli;

/// <summary>
/// How a command line the parser refuses is reported on standard error: an <c>error:</c> line per problem, the
/// parser's typo suggestions, and where the usage is. A word the parser did not match is shown only up to its first
/// '=': it may be a <c>NAME=TOKEN</c> given without <c>--token</c>, or a connection string, and a secret must not
/// reach the screen. Such a word gets no suggestions either, since they repeat it.
/// </summary>
internal static class UsageErrors
{
    public static async Task WriteAsync(ParseResult parse, TextWriter error)
    {
        var hidden = parse.UnmatchedTokens.Where(token => token.Contains('=', StringComparison.Ordinal)).ToList();
        foreach (var message in parse.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            await error.WriteLineAsync($"error: {hidden.Aggregate(message, (text, token) => text.Replace($"'{token}'", $"'{Shown(token)}'", StringComparison.Ordinal))}");
        }

        if (hidden.Count == 0 && Suggestions(parse) is { Length: > 0 } suggestions)
        {
            await error.WriteLineAsync(suggestions);
        }

        var command = string.Join(' ', [parse.RootCommandResult.Command.Name, .. VomoOptions.CommandPath(parse.CommandResult)]);
        await error.WriteLineAsync($"See '{command} --help' for the usage.");
    }

    /// <summary>A word as an error may show it: up to and including its first '='.</summary>
    private static string Shown(string token) => token[..(token.IndexOf('=', StringComparison.Ordinal) + 1)] + "…";

    /// <summary>
    /// The parser's typo suggestions (<c>'snyc' was not matched. Did you mean one of the following?</c>), without the
    /// error list and help its error action would also write: the errors are written above, redacted.
    /// </summary>
    private static string Suggestions(ParseResult parse)
    {
        if (parse.Action is not ParseErrorAction action)
        {
            return string.Empty;
        }

        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        var suggestions = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = suggestions, Error = TextWriter.Null });
        return suggestions.ToString().Trim();
    }
}
