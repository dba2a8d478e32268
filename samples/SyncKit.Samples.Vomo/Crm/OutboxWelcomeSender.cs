using System.Data.Common;
using System.Text.Json;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Puts welcome notifications in the <c>crm_outbox</c> table, in the batch's transaction: exactly once. Each CRM
/// destination starts with the one for its database.
/// </summary>
public sealed class OutboxWelcomeSender : IWelcomeSender
{
    private readonly string _sql;
    private readonly CrmDialect _dialect;
    private readonly TimeProvider _time;

    internal OutboxWelcomeSender(CrmDialect dialect, TimeProvider? timeProvider = null)
    {
        _dialect = dialect;
        _time = timeProvider ?? TimeProvider.System;
        _sql = $"""
            INSERT INTO crm_outbox (idempotency_key, tenant, payload, created_at) VALUES (@key, @tenant, @payload{dialect.JsonCast}, @created_at)
            ON CONFLICT (idempotency_key) DO NOTHING
            """;
    }

    /// <inheritdoc />
    public async Task SendAsync(WelcomeNotification welcome, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(transaction);
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = _sql;
        CrmDialect.Add(insert, "@key", welcome.IdempotencyKey);
        CrmDialect.Add(insert, "@tenant", welcome.Tenant);
        CrmDialect.Add(insert, "@payload", JsonSerializer.Serialize(welcome, CrmJsonContext.Default.WelcomeNotification));
        _dialect.AddTime(insert, "@created_at", _time.GetUtcNow());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
