using System.Text.RegularExpressions;

namespace SyncKit.Samples.Vomo;

/// <summary>
/// Keeps credentials out of everything the sample prints, logs or stores. A URL keeps its scheme, host and path but
/// not its user info (<c>user:password@</c>) or its query values (<c>?token=...</c>); a connection string is never
/// echoed at all, only the name of what is wrong with it.
/// </summary>
internal static partial class Redact
{
    /// <summary>What stands in for a credential.</summary>
    public const string Mask = "***";

    /// <summary>A URL as it may be shown.</summary>
    public static string Url(Uri url) => Urls(url.ToString());

    /// <summary>Text that may hold URLs (an exception's message, a setting as typed), with every URL's credentials masked.</summary>
    public static string Urls(string text) =>
        QueryValue().Replace(UserInfo().Replace(text, "${scheme}" + Mask + "@"), "${name}" + Mask);

    /// <summary>A <c>--store</c> value that is not understood: only its kind (the text before the first colon), never the rest.</summary>
    public static string StoreKind(string store) =>
        store.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? store[..colon] + ":…" : "…";

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)[^/?#\s@]*@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?<name>[?&][^=&#\s]+=)[^&#\s]*")]
    private static partial Regex QueryValue();
}
