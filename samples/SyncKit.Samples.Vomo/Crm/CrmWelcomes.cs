using System.Globalization;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>Welcome notifications (SAMPLE.md, pattern B), the same on every CRM database.</summary>
internal static class CrmWelcomes
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);

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

        var scope = $"{tenant}/welcome";
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
