using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>A list request's page and filters, parsed from the query string the way VOMO reads it.</summary>
internal sealed class ListRequest
{
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    private ListRequest(IQueryCollection query)
    {
        Page = int.TryParse(query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page > 0 ? page : 1;
        UpdatedAfter = Instant(query, "updated_after");
        UpdatedBefore = Instant(query, "updated_before");
        CreatedAfter = Instant(query, "created_after");
        CreatedBefore = Instant(query, "created_before");
        EmailLike = query["email_like"].FirstOrDefault();
        NameLike = query["name_like"].FirstOrDefault();
        Active = Flag(query, "active");
        Published = Flag(query, "published");
    }

    public int Page { get; }

    public DateTimeOffset? UpdatedAfter { get; }

    public DateTimeOffset? UpdatedBefore { get; }

    public DateTimeOffset? CreatedAfter { get; }

    public DateTimeOffset? CreatedBefore { get; }

    public string? EmailLike { get; }

    public string? NameLike { get; }

    public bool? Active { get; }

    public bool? Published { get; }

    /// <summary>Whether <see cref="UpdatedAfter"/> is the only filter (if any): the rows that match are a run of the list's order.</summary>
    public bool FiltersOnlyUpdatedAfter =>
        UpdatedBefore is null && CreatedAfter is null && CreatedBefore is null && EmailLike is null && NameLike is null && Active is null && Published is null;

    /// <summary>Validation errors by parameter (a <c>422</c>), empty when the request is valid.</summary>
    public IReadOnlyDictionary<string, string> Errors => _errors;

    public static ListRequest Parse(HttpRequest request) => new(request.Query);

    /// <summary>The <c>updated_*</c> and <c>created_*</c> filters: <c>after</c> is inclusive (on or after), <c>before</c> exclusive.</summary>
    public bool InTime(DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        (UpdatedAfter is not { } ua || updatedAt >= ua)
        && (UpdatedBefore is not { } ub || updatedAt < ub)
        && (CreatedAfter is not { } ca || createdAt >= ca)
        && (CreatedBefore is not { } cb || createdAt < cb);

    public static bool Like(string? value, string? pattern) =>
        pattern is null || (value?.Contains(pattern, StringComparison.OrdinalIgnoreCase) ?? false);

    private DateTimeOffset? Instant(IQueryCollection query, string name)
    {
        if (query[name].FirstOrDefault() is not { Length: > 0 } text)
        {
            return null;
        }

        // A '+' sent unescaped arrives as a space: VOMO rejects the value rather than guess.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value) && !text.Contains(' ', StringComparison.Ordinal))
        {
            return value;
        }

        _errors[name] = $"The {name.Replace('_', ' ')} is not a valid date.";
        return null;
    }

    private bool? Flag(IQueryCollection query, string name) => query[name].FirstOrDefault() switch
    {
        null or "" => null,
        "1" or "true" => true,
        "0" or "false" => false,
        _ => Invalid(name),
    };

    private bool? Invalid(string name)
    {
        _errors[name] = $"The {name} field must be true or false.";
        return null;
    }
}
