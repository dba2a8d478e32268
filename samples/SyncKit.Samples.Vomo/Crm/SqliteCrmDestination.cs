using System.Globalization;
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
    private static readonly TimeSpan WelcomeHold = TimeSpan.FromMinutes(5);
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
    public static WelcomeNotification? WelcomeAccepted(string tenant, VomoUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.MembershipStatus == "ACCEPTED" ? new WelcomeNotification(tenant, user.Id.ToString(CultureInfo.InvariantCulture), user.Email) : null;
    }

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

        await SendWelcomesAsync(batch.Dedup, transaction, tenant, welcomes, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>
    /// Pattern B: reserve each welcome in the dedup store, put it in the outbox, complete it. All of it is in the
    /// state transaction, so a welcome is recorded exactly once.
    /// </summary>
    private async Task SendWelcomesAsync(IDedupStore dedup, SqliteTransaction transaction, string tenant, List<WelcomeNotification> welcomes, CancellationToken cancellationToken)
    {
        if (welcomes.Count == 0)
        {
            return;
        }

        var scope = $"{tenant}/welcome";
        var reservations = await dedup.ReserveAsync(scope, welcomes.ConvertAll(w => w.IdempotencyKey), WelcomeHold, cancellationToken).ConfigureAwait(false);
        var held = welcomes.Where((_, i) => reservations[i].IsHeld).ToList();
        if (held.Count == 0)
        {
            return;
        }

        await using var insert = transaction.Connection!.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT OR IGNORE INTO crm_outbox (idempotency_key, tenant, payload, created_at) VALUES ($key, $tenant, $payload, $created_at)";
        var createdAt = CrmFormat.SourceTime(_time.GetUtcNow());
        foreach (var welcome in held)
        {
            insert.Parameters.Clear();
            insert.Parameters.AddWithValue("$key", welcome.IdempotencyKey);
            insert.Parameters.AddWithValue("$tenant", tenant);
            insert.Parameters.AddWithValue("$payload", JsonSerializer.Serialize(welcome, CrmJsonContext.Default.WelcomeNotification));
            insert.Parameters.AddWithValue("$created_at", createdAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await dedup.CompleteAsync(scope, held.ConvertAll(w => w.IdempotencyKey), cancellationToken).ConfigureAwait(false);
    }
}
