using System.Data.Common;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Puts welcome notifications in the <c>crm_outbox</c> table, in the batch's transaction: exactly once. Each CRM
/// destination starts with the one for its database.
/// </summary>
public sealed class OutboxWelcomeSender : IWelcomeSender
{
    private readonly CrmDialect _dialect;
    private readonly TimeProvider _time;

    internal OutboxWelcomeSender(CrmDialect dialect, TimeProvider? timeProvider = null)
    {
        _dialect = dialect;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task SendAsync(WelcomeNotification welcome, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(transaction);
        await _dialect.InsertWelcomeAsync(transaction, "crm_outbox", "created_at", welcome, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
