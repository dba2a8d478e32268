using System.Data.Common;
using Microsoft.Data.Sqlite;
using SyncKit.Samples.Vomo.Connector;
using SyncKit.Samples.Vomo.Crm.Internal;

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
public sealed class SqliteCrmDestination<T> : IDestination<T>, IReconcilableDestination<T>, IOverwritableDestination<T>
{
    private readonly CrmTable<T> _table;
    private readonly Func<string, T, WelcomeNotification?>? _welcome;
    private readonly TimeProvider _time;
    private readonly CrmRows<T> _rows;

    /// <summary>Creates the destination.</summary>
    /// <param name="table">The table and its mapping, e.g. <see cref="CrmTable{T}.Contacts"/>.</param>
    /// <param name="welcome">The one-time notification a record calls for, if any (given the tenant).</param>
    /// <param name="timeProvider">The clock for the outbox's <c>created_at</c> and <c>deleted_at</c>.</param>
    public SqliteCrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome = null, TimeProvider? timeProvider = null)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _welcome = welcome;
        _time = timeProvider ?? TimeProvider.System;
        Welcomes = new OutboxWelcomeSender(CrmDialect.Sqlite, _time);
        _rows = new CrmRows<T>(table, CrmDialect.Sqlite, OpenAsync, _time);
    }

    /// <summary>The connection string of the CRM's SQLite file, for reconciliation's reads and soft deletes.</summary>
    /// <value>Default <see langword="null"/>: the destination cannot be reconciled.</value>
    public string? ConnectionString { get; init; }

    /// <summary>Where welcome notifications go.</summary>
    /// <value>Default the <c>crm_outbox</c> table (<see cref="OutboxWelcomeSender"/>).</value>
    public IWelcomeSender Welcomes { get; init; }

    /// <summary>Posts the welcomes to a webhook after each batch commits, instead of <see cref="Welcomes"/>.</summary>
    internal WelcomeRelay? Relay { get; init; }

    /// <summary>A welcome for each user the first time it is seen with <c>membership_status = ACCEPTED</c>.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="user">The user.</param>
    /// <returns>The notification, or <see langword="null"/>.</returns>
    public static WelcomeNotification? WelcomeAccepted(string tenant, VomoUser user) => CrmWelcomes.Accepted(tenant, user);

    /// <inheritdoc />
    public bool WritesInStateTransaction => true;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, overwrite: false, cancellationToken);

    /// <summary>Writes as <see cref="WriteAsync(DestinationBatch{T}, CancellationToken)"/> does, replacing rows whatever change time they hold.</summary>
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> OverwriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, overwrite: true, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<DestinationKey> ListKeysAsync(JobId job, CancellationToken cancellationToken) => _rows.ListKeysAsync(job, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DestinationRow<T>>> GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => _rows.GetAsync(job, keys, cancellationToken);

    /// <inheritdoc />
    public string VersionOf(SourceRecord<T> record) => _table.VersionOf(record.Value);

    /// <summary>Soft-deletes: sets <c>deleted_at</c> on rows not deleted yet, so a repeated delete keeps the first time.</summary>
    /// <inheritdoc />
    public ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => _rows.DeleteAsync(job, keys, cancellationToken);

    private async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var transaction = batch.Transaction?.DbTransaction as SqliteTransaction
            ?? throw new InvalidOperationException("The SQLite CRM destination writes in the state store's transaction: use the SQLite state store on the same file.");
        var tenant = batch.Job.Tenant;
        await using var upsert = transaction.Connection!.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = _table.UpsertSql(overwrite);
        var outcomes = new RecordOutcome[batch.Records.Count];
        var welcomes = new List<(int Index, WelcomeNotification Welcome)>();
        for (var i = 0; i < outcomes.Length; i++)
        {
            var record = batch.Records[i].Value;
            _table.Bind(upsert, tenant, record);
            var written = await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            outcomes[i] = written ? RecordOutcome.Written : RecordOutcome.Skipped;
            if (written && _welcome?.Invoke(tenant, record) is { } welcome)
            {
                welcomes.Add((i, welcome));
            }
        }

        await CrmWelcomes.SendAsync(batch.Dedup, Welcomes, Relay, transaction, tenant, welcomes, outcomes, cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(ConnectionString
            ?? throw new InvalidOperationException($"Reconciling {_table.Name} reads the CRM outside a sync's transaction: set {nameof(ConnectionString)}."));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
