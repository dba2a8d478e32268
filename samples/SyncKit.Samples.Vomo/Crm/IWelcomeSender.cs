using System.Data.Common;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Delivers welcome notifications. The destination reserves each one in the dedup store first and completes it
/// after delivery, all in the batch's transaction: a notification goes out at most once per user, barring a crash
/// between delivery and the commit. The same senders serve the CRM on SQLite and on PostgreSQL.
/// </summary>
public interface IWelcomeSender
{
    /// <summary>Delivers one notification.</summary>
    /// <param name="welcome">The notification.</param>
    /// <param name="transaction">The batch's open transaction on the CRM database (the state store's).</param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>A task that completes once it is delivered.</returns>
    /// <exception cref="SyncException">Delivery failed; the class says whether the record is retried or dead-lettered.</exception>
    Task SendAsync(WelcomeNotification welcome, DbTransaction transaction, CancellationToken cancellationToken);
}
