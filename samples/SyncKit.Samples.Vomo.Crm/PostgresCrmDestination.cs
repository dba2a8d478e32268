using System.Data.Common;
using Npgsql;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// Writes VOMO records into the customer's CRM tables in the PostgreSQL database that holds SyncKit's state, inside
/// the store's transaction: the rows, the welcome notifications (for a webhook, the welcomes due, posted after the
/// commit) and the checkpoint commit together or not at all
/// (and, when the job is leased, only while this instance still holds the lease). Rows are upserted by
/// <c>(tenant, external_id)</c> in one round trip per batch, and a write older than the stored row is skipped.
/// A record with a value PostgreSQL cannot store (text holding U+0000) fails alone as
/// <see cref="ErrorClass.Validation"/>, before anything is sent: sent, it would abort the whole transaction.
/// For reconciliation it lists what it holds and soft-deletes (<c>deleted_at</c>) records gone at the source,
/// on connections of its own from <see cref="DataSource"/>; a force repair overwrites whatever change time a row holds.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class PostgresCrmDestination<T> : IDestination<T>, IReconcilableDestination<T>, IOverwritableDestination<T>
{
    private readonly CrmTable<T> _table;
    private readonly Func<string, T, WelcomeNotification?>? _welcome;
    private readonly TimeProvider _time;
    private readonly string _upsert;
    private readonly string _overwrite;
    private readonly CrmRows<T> _rows;

    /// <summary>Creates the destination.</summary>
    /// <param name="table">The table and its mapping, e.g. <see cref="CrmTable{T}.Contacts"/>.</param>
    /// <param name="welcome">The one-time notification a record calls for, if any (given the tenant).</param>
    /// <param name="timeProvider">The clock for the outbox's <c>created_at</c> and <c>deleted_at</c>.</param>
    public PostgresCrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome = null, TimeProvider? timeProvider = null)
    {
        _table = table ?? throw new ArgumentNullException(nameof(table));
        _welcome = welcome;
        _time = timeProvider ?? TimeProvider.System;
        _upsert = PostgresCrmSchema.UpsertSql(table);
        _overwrite = PostgresCrmSchema.UpsertSql(table, overwrite: true);
        _rows = new CrmRows<T>(table, CrmDialect.Postgres, OpenAsync, _time);
        Welcomes = new OutboxWelcomeSender(CrmDialect.Postgres, _time);
    }

    /// <summary>Where welcome notifications go.</summary>
    /// <value>Default the <c>crm_outbox</c> table (<see cref="OutboxWelcomeSender"/>).</value>
    public IWelcomeSender Welcomes { get; init; }

    /// <summary>Posts the welcomes to a webhook after each batch commits, instead of <see cref="Welcomes"/>.</summary>
    internal WelcomeRelay? Relay { get; init; }

    /// <summary>The state store's database, for reconciliation's reads and soft deletes.</summary>
    /// <value>Default <see langword="null"/>: the destination cannot be reconciled.</value>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <inheritdoc />
    public bool WritesInStateTransaction => true;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, _upsert, cancellationToken);

    /// <summary>Writes as <see cref="WriteAsync(DestinationBatch{T}, CancellationToken)"/> does, replacing rows whatever change time they hold.</summary>
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordOutcome>> OverwriteAsync(DestinationBatch<T> batch, CancellationToken cancellationToken) =>
        WriteAsync(batch, _overwrite, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<DestinationKey> ListKeysAsync(JobId job, CancellationToken cancellationToken) => _rows.ListKeysAsync(job, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DestinationRow<T>>> GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => _rows.GetAsync(job, keys, cancellationToken);

    /// <inheritdoc />
    public string VersionOf(SourceRecord<T> record) => _table.VersionOf(record.Value);

    /// <summary>Soft-deletes: sets <c>deleted_at</c> on rows not deleted yet, so a repeated delete keeps the first time.</summary>
    /// <inheritdoc />
    public ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => _rows.DeleteAsync(job, keys, cancellationToken);

    private async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, string upsert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var transaction = batch.Transaction?.DbTransaction as NpgsqlTransaction
            ?? throw new InvalidOperationException("The PostgreSQL CRM destination writes in the state store's transaction: use the PostgreSQL state store on the same database.");
        var tenant = batch.Job.Tenant;
        var outcomes = new RecordOutcome[batch.Records.Count];
        var sent = new List<int>(outcomes.Length);
        var upserts = new NpgsqlBatch(transaction.Connection, transaction);
        await using (upserts.ConfigureAwait(false))
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                var values = _table.ValuesOf(batch.Records[i].Value);
                if (Array.FindIndex(values, v => v is string text && text.Contains('\0', StringComparison.Ordinal)) is var column and >= 0)
                {
                    outcomes[i] = RecordOutcome.Failed(ErrorClass.Validation, $"{_table.Columns[column]} holds a NUL character (U+0000), which PostgreSQL text cannot store.");
                    continue;
                }

                upserts.BatchCommands.Add(Upsert(upsert, tenant, batch.Records[i].Value, values));
                sent.Add(i);
            }

            if (sent.Count > 0)
            {
                await upserts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var welcomes = new List<(int Index, WelcomeNotification Welcome)>();
            for (var command = 0; command < sent.Count; command++)
            {
                var i = sent[command];
                var written = upserts.BatchCommands[command].RecordsAffected == 1;
                outcomes[i] = written ? RecordOutcome.Written : RecordOutcome.Skipped;
                if (written && _welcome?.Invoke(tenant, batch.Records[i].Value) is { } welcome)
                {
                    welcomes.Add((i, welcome));
                }
            }

            await CrmWelcomes.SendAsync(batch.Dedup, Welcomes, Relay, transaction, tenant, welcomes, outcomes, cancellationToken).ConfigureAwait(false);
            return outcomes;
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await (DataSource ?? throw new InvalidOperationException($"Reconciling {_table.Name} reads the CRM outside a sync's transaction: set {nameof(DataSource)}."))
            .OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private NpgsqlBatchCommand Upsert(string sql, string tenant, T record, object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CrmFormat.ExternalId(_table.IdOf(record)) });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = _table.UpdatedAtOf(record).ToUniversalTime() });
        return command;
    }
}
