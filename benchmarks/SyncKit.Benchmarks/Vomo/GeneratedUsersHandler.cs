using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Web;

namespace SyncKit.Benchmarks.Vomo;

/// <summary>
/// An in-process VOMO that answers <c>GET /users</c> (with or without <c>updated_after</c>, any <c>page</c>) for a
/// tenant of <c>count</c> users by making each page when it is asked for, in VOMO's documented envelope, so a
/// tenant of millions costs the fake nothing: only the connector's own memory shows in a measurement.
/// </summary>
/// <remarks>
/// User <c>n</c> (1 to <c>count</c>) was last updated at <see cref="Epoch"/> + ⌊n / 3⌋ seconds: three users share each
/// whole second (VOMO's ties), and ordering by <c>(updated_at, id)</c> is ordering by id, so an <c>updated_after</c>
/// list is a range of ids found by arithmetic. Every timestamp lies far in the past and nothing changes while the
/// connector reads, as in a backfill; each answer carries a <c>Date</c> header, so the connector can prove the list
/// held still and read the window once. Anything else it is asked fails the request instead of answering wrongly.
/// </remarks>
internal sealed class GeneratedUsersHandler(long count) : HttpMessageHandler
{
    /// <summary>When user 0 would have been updated.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const int PageSize = 15;
    private const int UsersPerSecond = 3;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private long _requests;

    /// <summary>How many requests were answered.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new NotSupportedException("A request without a URI.");
        var query = HttpUtility.ParseQueryString(uri.Query);
        if (request.Method != HttpMethod.Get || !uri.AbsolutePath.EndsWith("/users", StringComparison.Ordinal)
            || query.AllKeys.Any(key => key is not ("updated_after" or "page")))
        {
            throw new NotSupportedException($"The generated VOMO answers only GET /users?updated_after=&page=, not {request.Method} {uri.PathAndQuery}.");
        }

        var updatedAfter = query["updated_after"] is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        var page = query["page"] is { } number ? int.Parse(number, CultureInfo.InvariantCulture) : 1;
        Interlocked.Increment(ref _requests);
        var body = new ArrayBufferWriter<byte>(8 * 1024);
        WritePage(body, uri.GetLeftPart(UriPartial.Path), updatedAfter, page);
        var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = Json;
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.Date = TimeProvider.System.GetUtcNow();
        return Task.FromResult(response);
    }

    private static DateTimeOffset UpdatedAt(long id) => Epoch.AddSeconds(id / UsersPerSecond);

    /// <summary>The first id updated on or after <paramref name="after"/> (inclusive, as VOMO's filter is).</summary>
    private static long FirstId(DateTimeOffset? after)
    {
        if (after is not { } instant || instant <= Epoch)
        {
            return 1;
        }

        // ⌊id / 3⌋ ≥ s for a whole number of seconds s ≥ (after − epoch), the least such s being its ceiling.
        var seconds = (long)Math.Ceiling((instant - Epoch).TotalSeconds);
        return Math.Max(1, seconds * UsersPerSecond);
    }

    private void WritePage(IBufferWriter<byte> body, string path, DateTimeOffset? updatedAfter, int page)
    {
        var first = FirstId(updatedAfter);
        var total = Math.Max(0, count - first + 1);
        var lastPage = Math.Max(1, (total + PageSize - 1) / PageSize);
        var from = first + ((long)page - 1) * PageSize;
        var to = Math.Min(from + PageSize - 1, count);
        var filter = updatedAfter is { } after ? $"updated_after={Uri.EscapeDataString(after.ToString("O", CultureInfo.InvariantCulture))}&" : string.Empty;
        string Link(long number) => $"{path}?{filter}page={number}";

        using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteStartArray("data");
        for (var id = from; id <= to; id++)
        {
            WriteUser(json, id);
        }

        json.WriteEndArray();
        json.WriteStartObject("links");
        json.WriteString("first", Link(1));
        json.WriteString("last", Link(lastPage));
        WriteLinkOrNull(json, "prev", page > 1 ? Link(page - 1) : null);
        WriteLinkOrNull(json, "next", page < lastPage ? Link(page + 1) : null);
        json.WriteEndObject();
        json.WriteStartObject("meta");
        json.WriteNumber("current_page", page);
        WriteNumberOrNull(json, "from", from <= to ? from : null);
        WriteNumberOrNull(json, "to", from <= to ? to : null);
        json.WriteNumber("last_page", lastPage);
        json.WriteString("path", path);
        json.WriteNumber("per_page", PageSize);
        json.WriteNumber("total", total);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteLinkOrNull(Utf8JsonWriter json, string name, string? link)
    {
        if (link is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, link);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteUser(Utf8JsonWriter json, long id)
    {
        var stamp = UpdatedAt(id).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var n = id.ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject();
        json.WriteString("type", "user");
        json.WriteNumber("id", id);
        json.WriteString("first_name", "Volunteer");
        json.WriteString("last_name", "Number" + n);
        json.WriteString("full_name", "Volunteer Number" + n);
        json.WriteString("email", $"volunteer{n}@example.org");
        json.WriteString("address", $"{n} Harbour Street, Springfield");
        json.WriteString("phone", $"+1 555 {id % 10_000_000:0000000}");
        json.WriteString("birthday", "1990-01-01");
        json.WriteString("gender", (id % 3) switch { 0 => "F", 1 => "M", _ => "N" });
        json.WriteString("user_status", "VERIFIED");
        json.WriteString("membership_status", "ACCEPTED");
        json.WriteString("membership_role", "VOLUNTEER");
        json.WriteString("created_at", stamp);
        json.WriteString("updated_at", stamp);
        json.WriteEndObject();
    }
}
