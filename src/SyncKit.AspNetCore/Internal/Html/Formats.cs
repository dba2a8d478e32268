using System.Globalization;

namespace SyncKit.AspNetCore.Internal.Html;

/// <summary>How values read on the pages.</summary>
internal static class Formats
{
    public static string Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never";

    public static string Duration(TimeSpan? span)
    {
        if (span is not { } value)
        {
            return "–";
        }

        var seconds = Math.Max(0, value.TotalSeconds);
        return seconds switch
        {
            < 60 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0}s"),
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds / 60):0}m {seconds % 60:0}s"),
            < 86400 => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds / 3600):0}h {Math.Floor(seconds % 3600 / 60):0}m"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(seconds / 86400):0}d {Math.Floor(seconds % 86400 / 3600):0}h"),
        };
    }

    /// <summary>A cursor as <c>2026-03-01 08:00:12Z #12</c> (with <c>@progress</c> when it has one); the JSON API has it in full.</summary>
    public static string Cursor(Cursor? cursor) => cursor switch
    {
        null => "(start)",
        { Timestamp: null } => $"#{cursor.Id}{Progress(cursor)}",
        _ => $"{Time(cursor.Timestamp)} #{cursor.Id}{Progress(cursor)}",
    };

    private static string Progress(Cursor cursor) => cursor.Progress is null ? string.Empty : " @" + cursor.Progress;

    /// <summary>A run id cut to 12 characters, for tables whose link leads to the whole run.</summary>
    public static string RunId(string runId) => runId.Length > 12 ? runId[..12] + "…" : runId;

    public static string Percent(double percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0.#} %");

    public static string Burn(double burn) => string.Create(CultureInfo.InvariantCulture, $"{burn:0.##}×");

    /// <summary>The value of an <c>input type="datetime-local"</c> for an instant, in UTC.</summary>
    public static string LocalInput(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>Reads an instant typed as ISO 8601 or by a <c>datetime-local</c> input; without an offset it is UTC.</summary>
    public static bool TryParseInstant(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);
}
