using System.Globalization;
using System.Text;

namespace SyncKit.Samples.Vomo.Connector;

/// <summary>A list's filters. <c>after</c> bounds are inclusive (on or after).</summary>
/// <param name="UpdatedAfter">Only items updated on or after this instant.</param>
/// <param name="CreatedAfter">Only items created on or after this instant.</param>
/// <param name="UpdatedBefore">Only items updated before this instant (users only).</param>
public sealed record VomoListQuery(DateTimeOffset? UpdatedAfter = null, DateTimeOffset? CreatedAfter = null, DateTimeOffset? UpdatedBefore = null)
{
    /// <summary>No filter: every item.</summary>
    public static VomoListQuery All { get; } = new();

    /// <summary>Renders the query string for <paramref name="page"/>, escaping the <c>+</c> of offsets.</summary>
    /// <param name="page">The page number (from 1).</param>
    /// <returns>The query string, starting with <c>?</c>.</returns>
    public string ToQueryString(int page)
    {
        var query = new StringBuilder();
        Append(query, "updated_after", UpdatedAfter);
        Append(query, "created_after", CreatedAfter);
        Append(query, "updated_before", UpdatedBefore);
        query.Append(query.Length == 0 ? '?' : '&').Append("page=").Append(page.ToString(CultureInfo.InvariantCulture));
        return query.ToString();
    }

    private static void Append(StringBuilder query, string name, DateTimeOffset? value)
    {
        if (value is { } instant)
        {
            var text = instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'+00:00'", CultureInfo.InvariantCulture);
            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(text));
        }
    }
}
