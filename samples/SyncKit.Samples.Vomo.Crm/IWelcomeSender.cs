using System.Data.Common;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Delivers welcome notifications as a write in the CRM database, inside the batch's transaction. The destination
/// reserves each one in the dedup store first and completes it after delivery, all in that transaction, so a
/// notification goes out exactly once per user. The same senders serve the CRM on SQLite and on PostgreSQL. (An
/// effect outside the database, like <see cref="WebhookWelcomeSender"/>, cannot commit with the batch: it is sent
/// after the commit instead.)
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
