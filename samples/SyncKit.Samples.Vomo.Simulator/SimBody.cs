using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>Reads and validates request bodies, collecting VOMO-style field errors.</summary>
internal sealed class SimBody
{
    private readonly JsonElement _root;
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    private SimBody(JsonElement root) => _root = root;

    public IReadOnlyDictionary<string, string> Errors => _errors;

    /// <summary>Parses the body, or answers <c>400</c> and returns <see langword="null"/>.</summary>
    public static async Task<SimBody?> ReadAsync(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new SimBody(document.RootElement.Clone());
            }
        }
        catch (JsonException)
        {
        }

        await SimResponse.MessageAsync(context, StatusCodes.Status400BadRequest, "The request body is not a JSON object.");
        return null;
    }

    public string? RequiredString(string name) => String(name) is { Length: > 0 } value ? value : Missing<string>(name);

    public string? String(string name) =>
        _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public long? Id(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return ParseId(value) ?? Invalid<long?>(name, $"The {name} must be an integer.");
    }

    public IReadOnlyList<long>? Ids(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return Invalid<IReadOnlyList<long>>(name, $"The {name} must be an array.");
        }

        var ids = value.EnumerateArray().Select(ParseId).ToList();
        return ids.Contains(null) ? Invalid<IReadOnlyList<long>>(name, $"The {name} must be integers.") : ids.Select(i => i!.Value).ToList();
    }

    public DateOnly? Date(string name) =>
        RequiredString(name) is { } text
            ? DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : Invalid<DateOnly?>(name, $"The {name} is not a valid date.")
            : null;

    public string? OneOf(string name, params string[] allowed) =>
        RequiredString(name) is { } text
            ? allowed.Contains(text, StringComparer.Ordinal) ? text : Invalid<string>(name, $"The selected {name} is invalid.")
            : null;

    public TResult? Invalid<TResult>(string name, string error)
    {
        _errors[name] = error;
        return default;
    }

    private TResult? Missing<TResult>(string name) => Invalid<TResult>(name, $"The {name.Replace('_', ' ')} field is required.");

    private static long? ParseId(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var id) => id,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
        _ => null,
    };
}
