using System.Globalization;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>How VOMO values are written in the CRM (samples/SyncKit.Samples.Vomo/README.md, "Destination schema").</summary>
public static class CrmFormat
{
    private const string Prefix = "vomo-";

    /// <summary>The CRM's key for a VOMO id: <c>vomo-</c> and the id in decimal.</summary>
    /// <param name="id">The VOMO id.</param>
    /// <returns>The external id.</returns>
    public static string ExternalId(long id) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{id}");

    /// <summary>A timestamp in UTC as <c>YYYY-MM-DDTHH:MM:SSZ</c>, with fractions only when it has them.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>The text stored in <c>source_updated_at</c>.</returns>
    public static string SourceTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads an external id (<c>vomo-8205</c>) back as the VOMO id.</summary>
    /// <param name="externalId">The external id.</param>
    /// <returns>The VOMO id.</returns>
    public static long IdOf(string externalId)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        return externalId.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(externalId.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new FormatException($"'{externalId}' is not a VOMO external id.");
    }

    /// <summary>Reads a <c>source_updated_at</c> back.</summary>
    /// <param name="text">The stored text.</param>
    /// <returns>The timestamp, in UTC.</returns>
    public static DateTimeOffset ParseSourceTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The record key of a row (the VOMO id in decimal, as the sources key records) from its external id.</summary>
    internal static string KeyOf(string externalId) => IdOf(externalId).ToString(CultureInfo.InvariantCulture);

    /// <summary>The external id of a row from its record key.</summary>
    internal static string ExternalIdOfKey(string key) => ExternalId(Connector.VomoResources.IdOf(key));
}
