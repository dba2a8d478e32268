using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace SyncKit.Samples.Vomo.Simulator;

/// <summary>VOMO's list envelope: <c>data</c>, absolute <c>links</c> that keep the query, and <c>meta</c>; pages of 15.</summary>
internal static class Envelope
{
    public const int PageSize = 15;

    /// <summary>Renders page <paramref name="page"/>, holding <paramref name="pageRows"/>, of a list of <paramref name="total"/> rows.</summary>
    public static byte[] Render<T>(HttpRequest request, IReadOnlyList<T> pageRows, int total, int page, Action<Utf8JsonWriter, T> writeItem)
    {
        var lastPage = Math.Max(1, (total + PageSize - 1) / PageSize);
        var from = (page - 1) * PageSize;
        var path = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        return SimJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var row in pageRows)
            {
                writeItem(w, row);
            }

            w.WriteEndArray();
            w.WriteStartObject("links");
            w.WriteString("first", Link(request, path, 1));
            w.WriteString("last", Link(request, path, lastPage));
            w.WriteString("prev", page > 1 ? Link(request, path, page - 1) : null);
            w.WriteString("next", page < lastPage ? Link(request, path, page + 1) : null);
            w.WriteEndObject();
            w.WriteStartObject("meta");
            w.WriteNumber("current_page", page);
            if (pageRows.Count > 0)
            {
                w.WriteNumber("from", from + 1);
                w.WriteNumber("to", from + pageRows.Count);
            }
            else
            {
                w.WriteNull("from");
                w.WriteNull("to");
            }

            w.WriteNumber("last_page", lastPage);
            w.WriteString("path", path);
            w.WriteNumber("per_page", PageSize);
            w.WriteNumber("total", total);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    private static string Link(HttpRequest request, string path, int page)
    {
        var query = new StringBuilder();
        foreach (var (name, values) in request.Query)
        {
            if (name == "page")
            {
                continue;
            }

            foreach (var value in values)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
            }
        }

        query.Append(query.Length == 0 ? '?' : '&').Append("page=").Append(page.ToString(CultureInfo.InvariantCulture));
        return path + query;
    }
}
