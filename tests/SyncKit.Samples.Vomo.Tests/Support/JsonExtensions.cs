using System.Globalization;
using System.Text.Json;

namespace SyncKit.Samples.Vomo.Tests.Support;

public static class JsonExtensions
{
    /// <summary>Reads an id sent as a number or a numeric string.</summary>
    public static long Id(this JsonElement element, string name = "id")
    {
        var value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? long.Parse(value.GetString()!, CultureInfo.InvariantCulture) : value.GetInt64();
    }

    public static IReadOnlyList<long> Ids(this JsonElement page) =>
        page.GetProperty("data").EnumerateArray().Select(e => e.Id()).ToList();

    public static DateTimeOffset Time(this JsonElement element, string name) =>
        DateTimeOffset.Parse(element.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
