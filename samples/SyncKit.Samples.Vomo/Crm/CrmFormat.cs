using System.Globalization;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>How VOMO values are written in the CRM (SAMPLE.md).</summary>
public static class CrmFormat
{
    /// <summary>The CRM's key for a VOMO id: <c>vomo-</c> and the id in decimal.</summary>
    /// <param name="id">The VOMO id.</param>
    /// <returns>The external id.</returns>
    public static string ExternalId(long id) => string.Create(CultureInfo.InvariantCulture, $"vomo-{id}");

    /// <summary>A timestamp in UTC as <c>YYYY-MM-DDTHH:MM:SSZ</c>, with fractions only when it has them.</summary>
    /// <param name="value">The timestamp.</param>
    /// <returns>The text stored in <c>source_updated_at</c>.</returns>
    public static string SourceTime(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
