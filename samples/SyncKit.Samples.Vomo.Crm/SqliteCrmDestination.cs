using System.Data.Common;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm.Internal;
using SyncKit.Sqlite;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Writes VOMO records into the customer's CRM tables in the SQLite file that holds SyncKit's state, inside the
/// store's transaction: the rows, the welcome notifications (for a webhook, the welcomes due, posted after the
/// commit) and the checkpoint commit together or not at all.
/// Rows are upserted by <c>(tenant, external_id)</c>, and a write older than the stored row is skipped.
/// For reconciliation it lists what it holds and soft-deletes (<c>deleted_at</c>) records gone at the source,
/// on its own connection (<see cref="ConnectionString"/>); a force repair overwrites whatever change time a row holds.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class SqliteCrmDestination<T> : CrmDestination<T>
{
    /// <summary>Creates the destination.</summary>
    /// <param name="table">The table and its mapping, e.g. <see cref="CrmTable{T}.Contacts"/>.</param>
    /// <param name="welcome">The one-time notification a record calls for, if any (given the tenant).</param>
    /// <param name="timeProvider">The clock for the outbox's <c>created_at</c> and <c>deleted_at</c>.</param>
    public SqliteCrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome = null, TimeProvider? timeProvider = null)
        : base(table, welcome, timeProvider, CrmDialect.Sqlite)
    {
    }

    /// <summary>The connection string of the CRM's SQLite file, for reconciliation's reads and soft deletes.</summary>
    /// <value>Default <see langword="null"/>: the destination cannot be reconciled.</value>
    public string? ConnectionString { get; init; }

    /// <summary>A welcome for each user the first time it is seen with <c>membership_status = ACCEPTED</c>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="user">The user.</param>
    /// <returns>The notification, or <see langword="null"/>.</returns>
    public static WelcomeNotification? WelcomeAccepted(string tenant, VomoUser user) => CrmWelcomes.Accepted(tenant, user);

    private protected override DbTransaction TransactionOf(DestinationBatch<T> batch) =>
        batch.Transaction?.DbTransaction as SqliteTransaction
            ?? throw new InvalidOperationException("The SQLite CRM destination writes in the state store's transaction: use the SQLite state store on the same file.");

    private protected override async ValueTask<RecordOutcome[]> UpsertAsync(DestinationBatch<T> batch, DbTransaction transaction, bool overwrite, CancellationToken cancellationToken)
    {
        var tenant = batch.Job.Tenant;
        var sqlite = (SqliteTransaction)transaction;
        await using var upsert = sqlite.Connection!.CreateCommand();
        upsert.Transaction = sqlite;
        upsert.CommandText = Table.UpsertSql(overwrite);
        var outcomes = new RecordOutcome[batch.Records.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            Table.Bind(upsert, tenant, batch.Records[i].Value);
            outcomes[i] = await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1 ? RecordOutcome.Written : RecordOutcome.Skipped;
        }

        return outcomes;
    }

    private protected override StoreFailureException? StoreFailureOf(DbException exception) => SqliteStoreFailures.From(exception);

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString
            ?? throw new InvalidOperationException($"Reconciling {Table.Name} reads the CRM outside a sync's transaction: set {nameof(ConnectionString)}."));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
