using System.Text.Json.Serialization;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>Source-generated JSON for the CRM's JSON columns.</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(WelcomeNotification))]
internal sealed partial class CrmJsonContext : JsonSerializerContext;

/// <summary>A welcome notification (samples/SyncKit.Samples.Vomo/README.md, <c>--webhook</c>): the webhook body, or the outbox row's payload.</summary>
/// <param name="Tenant">The tenant.</param>
/// <param name="UserId">VOMO's user id in decimal.</param>
/// <param name="Email">The user's e-mail.</param>
public sealed record WelcomeNotification(
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("user_id")] string UserId,
    [property: JsonPropertyName("email")] string? Email)
{
    /// <summary>The idempotency key: <c>welcome:TENANT:USER_ID</c>.</summary>
    [JsonIgnore]
    public string IdempotencyKey => $"welcome:{Tenant}:{UserId}";
}
