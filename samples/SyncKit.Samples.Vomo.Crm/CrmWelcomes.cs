using System.Data.Common;
using System.Globalization;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>Welcome notifications (samples/SyncKit.Samples.Vomo/README.md, "What it syncs"; pattern B), the same on every CRM database.</summary>
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
    /// The welcomes of a batch, in its transaction. With a <paramref name="relay"/> (a webhook) they are only made
    /// due, and the relay posts them after the commit, one at a time.
    /// <para>
    /// Otherwise pattern B inside the transaction: reserves each welcome in the dedup store, delivers the ones this
    /// batch holds with <paramref name="sender"/>, and completes them. Only an already completed welcome is skipped.
    /// A welcome held by another attempt fails its record with <see cref="ErrorClass.Conflict"/>, and a failed
    /// delivery fails its record and releases the reservation: either way the engine retries or dead-letters the
    /// record, and its retry delivers the welcome.
    /// </para>
    /// </summary>
    /// <param name="welcomes">The welcomes of the batch's written records, each with its record's index in <paramref name="outcomes"/>.</param>
    internal static async Task SendAsync(IDedupStore dedup, IWelcomeSender sender, WelcomeRelay? relay, DbTransaction transaction, string tenant, List<(int Index, WelcomeNotification Welcome)> welcomes, RecordOutcome[] outcomes, CancellationToken cancellationToken)
    {
        if (welcomes.Count == 0)
        {
            return;
        }

        if (relay is not null)
        {
            await relay.RecordDueAsync(dedup, transaction, tenant, welcomes.ConvertAll(w => w.Welcome), cancellationToken).ConfigureAwait(false);
            return;
        }

        var scope = Scope(tenant);
        var reservations = await dedup.ReserveAsync(scope, welcomes.ConvertAll(w => w.Welcome.IdempotencyKey), Hold, cancellationToken).ConfigureAwait(false);
        var sent = new List<string>();
        var failed = new List<string>();
        for (var i = 0; i < welcomes.Count; i++)
        {
            var (index, welcome) = welcomes[i];
            if (reservations[i].Status == DedupStatus.AlreadyCompleted)
            {
                continue;
            }

            // Another attempt holds the welcome, maybe a process that died before completing it: skipping it would
            // lose it, since the user is not read again. The record fails instead, so the engine dead-letters it and
            // a later re-drive reserves the welcome again, Reacquired once the hold expires.
            if (!reservations[i].IsHeld)
            {
                outcomes[index] = RecordOutcome.Failed(ErrorClass.Conflict, $"The welcome of user {welcome.UserId} in tenant {tenant} is held by another attempt; retried when its hold expires.", Hold);
                continue;
            }

            try
            {
                await sender.SendAsync(welcome, transaction, cancellationToken).ConfigureAwait(false);
                sent.Add(welcome.IdempotencyKey);
            }
            catch (SyncException ex)
            {
                outcomes[index] = RecordOutcome.Failed(ex.ErrorClass, ex.Message, ex.RetryAfter);
                failed.Add(welcome.IdempotencyKey);
            }
        }

        if (sent.Count > 0)
        {
            await dedup.CompleteAsync(scope, sent, cancellationToken).ConfigureAwait(false);
        }

        if (failed.Count > 0)
        {
            await dedup.ReleaseAsync(scope, failed, cancellationToken).ConfigureAwait(false);
        }
    }
}
