using System.Text.Json;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Writes VOMO records into the customer's CRM tables in the SQLite file that holds SyncKit's state, inside the
/// store's transaction: the rows, the welcome notifications and the checkpoint commit together or not at all.
/// Rows are upserted by <c>(tenant, external_id)</c>, and a write older than the stored row is skipped.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class SqliteCrmDestination<T> : IDestination<T>
{
    private readonly CrmTable<T> _table;
    private readonly Func<string, T, WelcomeNotification?>? _welcome;
    private readonly TimeProvider _time;

    /// <summary>Creates the destination.</summary>
    /// <param name="table">The table and its mapping, e.g. <see cref="CrmTable{T}.Contacts"/>.</param>
    /// <param name="welcome">The one-time notification a record calls for, if any (given the tenant).</param>
    /// <param name="timeProvider">The clock for the outbox's <c>created_at</c>.</param>
    public SqliteCrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome = null, TimeProvider? timeProvider = null)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _welcome = welcome;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>A welcome for each user the first time it is seen with <c>membership_status = ACCEPTED</c>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="user">The user.</param>
    /// <returns>The notification, or <see langword="null"/>.</returns>
    public static WelcomeNotification? WelcomeAccepted(string tenant, VomoUser user) => CrmWelcomes.Accepted(tenant, user);

    /// <inheritdoc />
    public bool WritesInStateTransaction => true;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var transaction = batch.Transaction?.DbTransaction as SqliteTransaction
            ?? throw new InvalidOperationException("The SQLite CRM destination writes in the state store's transaction: use the SQLite state store on the same file.");
        var tenant = batch.Job.Tenant;
        await using var upsert = transaction.Connection!.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = _table.UpsertSql();
        var outcomes = new RecordOutcome[batch.Records.Count];
        var welcomes = new List<WelcomeNotification>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i].Value;
            _table.Bind(upsert, tenant, record);
            var written = await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            outcomes[i] = written ? RecordOutcome.Written : RecordOutcome.Skipped;
            if (written && _welcome?.Invoke(tenant, record) is { } welcome)
            {
                welcomes.Add(welcome);
            }
        }

        await CrmWelcomes.RecordAsync(batch.Dedup, tenant, welcomes, held => AddToOutboxAsync(transaction, tenant, held, cancellationToken), cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private async Task AddToOutboxAsync(SqliteTransaction transaction, string tenant, List<WelcomeNotification> welcomes, CancellationToken cancellationToken)
    {
        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO crm_outbox (idempotency_key, tenant, payload, created_at) VALUES ($key, $tenant, $payload, $created_at)";
        var createdAt = CrmFormat.SourceTime(_time.GetUtcNow());
        foreach (var welcome in welcomes)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$key", welcome.IdempotencyKey);
            insert.Parameters.AddWithValue("$tenant", tenant);
            insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(welcome, CrmJsonContext.Default.WelcomeNotification));
            insert.Parameters.AddWithValue("$created_at", createdAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
