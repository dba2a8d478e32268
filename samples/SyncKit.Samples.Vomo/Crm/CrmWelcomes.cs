using System.Globalization;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>Welcome notifications (SAMPLE.md, pattern B), the same on every CRM database.</summary>
internal static class CrmWelcomes
{
    /// <summary>How long a reserved welcome is held before another attempt may take it.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

    /// <summary>The dedup scope of a tenant's welcomes.</summary>
    public static string Scope(string tenant) => $"{tenant}/welcome";

    /// <summary>A welcome for a user seen with <c>membership_status = ACCEPTED</c>.</summary>
    public static WelcomeNotification? Accepted(string tenant, VomoUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.MembershipStatus == "ACCEPTED" ? new WelcomeNotification(tenant, user.Id.ToString(CultureInfo.InvariantCulture), user.Email) : null;
    }

    /// <summary>
    /// Reserves each welcome in the dedup store, puts the ones this batch holds in the outbox, and completes them.
    /// The caller's outbox write is in the state transaction, so a welcome is recorded exactly once.
    /// </summary>
    public static async Task RecordAsync(IDedupStore dedup, string tenant, List<WelcomeNotification> welcomes, Func<List<WelcomeNotification>, Task> addToOutbox, CancellationToken cancellationToken)
    {
        if (welcomes.Count == 0)
        {
            return;
        }

        var scope = Scope(tenant);
        var reservations = await dedup.ReserveAsync(scope, welcomes.ConvertAll(w => w.IdempotencyKey), Hold, cancellationToken).ConfigureAwait(false);
        var held = welcomes.Where((_, i) => reservations[i].IsHeld).ToList();
        if (held.Count == 0)
        {
            return;
        }

        await addToOutbox(held).ConfigureAwait(false);
        await dedup.CompleteAsync(scope, held.ConvertAll(w => w.IdempotencyKey), cancellationToken).ConfigureAwait(false);
    }
}
