using System.Globalization;
using System.Text;

namespace SyncKit;

/// <summary>
/// Makes an error text fit to store and show. Every error text SyncKit keeps — a run's <see cref="RunRecord.Error"/>
/// and a dead letter's <see cref="DeadLetter.LastError"/> — passes through <see cref="Clean"/> when the record is
/// made, so whatever a connector or a remote server put in a message reaches run history, the dead-letter queue, the
/// dashboard and terminals free of control characters and at most <see cref="MaxLength"/> characters long.
/// </summary>
public static class ErrorText
{
    /// <summary>The most characters a stored error text keeps: 2,000, the last of them an ellipsis when it was cut.</summary>
    public const int MaxLength = 2000;

    /// <summary>
    /// Returns <paramref name="text"/> with every control character removed (line breaks and tabs become spaces,
    /// so an ANSI escape sequence loses the escape that makes it one), and with the characters that reorder
    /// text on screen (bidirectional overrides and isolates) removed; cut to <see cref="MaxLength"/> characters,
    /// the last an ellipsis, without splitting a surrogate pair.
    /// </summary>
    /// <param name="text">The error text; <see langword="null"/> stays <see langword="null"/>.</param>
    /// <returns>The cleaned text (the same instance when nothing needed changing).</returns>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Clean(string? text)
    {
        if (text is null || (text.Length <= MaxLength && !text.Any(IsRemoved)))
        {
            return text;
        }

        var cleaned = new StringBuilder(Math.Min(text.Length, MaxLength));
        foreach (var c in text)
        {
            if (c is '\r' or '\n' or '\t')
            {
                cleaned.Append(' ');
            }
            else if (!IsRemoved(c))
            {
                cleaned.Append(c);
            }

            if (cleaned.Length > MaxLength)
            {
                break;
            }
        }

        if (cleaned.Length <= MaxLength)
        {
            return cleaned.ToString();
        }

        var keep = MaxLength - 1;
        if (char.IsHighSurrogate(cleaned[keep - 1]))
        {
            keep--;
        }

        return cleaned.ToString(0, keep) + "…";
    }

    private static bool IsRemoved(char c) =>
        char.GetUnicodeCategory(c) == UnicodeCategory.Control
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}
