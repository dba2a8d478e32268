using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>Puts welcome notifications in the <c>crm_outbox</c> table, in the batch's transaction: exactly once.</summary>
/// <param name="timeProvider">The clock for <c>created_at</c>.</param>
public sealed class OutboxWelcomeSender(TimeProvider? timeProvider = null) : IWelcomeSender
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public async Task SendAsync(WelcomeNotification welcome, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(welcome);
        ArgumentNullException.ThrowIfNull(transaction);
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO crm_outbox (idempotency_key, tenant, payload, created_at) VALUES ($key, $tenant, $payload, $created_at)";
        insert.Parameters.AddWithValue("$key", welcome.IdempotencyKey);
        insert.Parameters.AddWithValue("$tenant", welcome.Tenant);
        insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(welcome, CrmJsonContext.Default.WelcomeNotification));
        insert.Parameters.AddWithValue("$created_at", CrmFormat.SourceTime(_time.GetUtcNow()));
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
