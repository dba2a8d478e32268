using System.Data.Common;
using Npgsql;
using SyncKit.Postgres;
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
public sealed class PostgresCrmDestination<T> : CrmDestination<T>
{
    private readonly string _upsert;
    private readonly string _overwrite;

    /// <summary>Creates the destination.</summary>
    /// <param name="table">The table and its mapping, e.g. <see cref="CrmTable{T}.Contacts"/>.</param>
    /// <param name="welcome">The one-time notification a record calls for, if any (given the tenant).</param>
    /// <param name="timeProvider">The clock for the outbox's <c>created_at</c> and <c>deleted_at</c>.</param>
    public PostgresCrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome = null, TimeProvider? timeProvider = null)
        : base(table, welcome, timeProvider, CrmDialect.Postgres)
    {
        _upsert = PostgresCrmSchema.UpsertSql(table);
        _overwrite = PostgresCrmSchema.UpsertSql(table, overwrite: true);
    }

    /// <summary>The state store's database, for reconciliation's reads and soft deletes.</summary>
    /// <value>Default <see langword="null"/>: the destination cannot be reconciled.</value>
    public NpgsqlDataSource? DataSource { get; init; }

    private protected override DbTransaction TransactionOf(DestinationBatch<T> batch) =>
        batch.Transaction?.DbTransaction as NpgsqlTransaction
            ?? throw new InvalidOperationException("The PostgreSQL CRM destination writes in the state store's transaction: use the PostgreSQL state store on the same database.");

    /// <summary>One round trip for the batch; a record PostgreSQL text cannot hold fails alone, before anything is sent.</summary>
    private protected override async ValueTask<RecordOutcome[]> UpsertAsync(DestinationBatch<T> batch, DbTransaction transaction, bool overwrite, CancellationToken cancellationToken)
    {
        var tenant = batch.Job.Tenant;
        var sql = overwrite ? _overwrite : _upsert;
        var outcomes = new RecordOutcome[batch.Records.Count];
        var sent = new List<int>(outcomes.Length);
        var upserts = new NpgsqlBatch((NpgsqlConnection)transaction.Connection!, (NpgsqlTransaction)transaction);
        await using (upserts.ConfigureAwait(false))
        {
            for (var i = 0; i < outcomes.Length; i++)
            {
                var values = Table.ValuesOf(batch.Records[i].Value);
                if (Array.FindIndex(values, v => v is string text && text.Contains('\0', StringComparison.Ordinal)) is var column and >= 0)
                {
                    outcomes[i] = RecordOutcome.Failed(ErrorClass.Validation, $"{Table.Columns[column]} holds a NUL character (U+0000), which PostgreSQL text cannot store.");
                    continue;
                }

                upserts.BatchCommands.Add(Upsert(sql, tenant, batch.Records[i].Value, values));
                sent.Add(i);
            }

            if (sent.Count > 0)
            {
                await upserts.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            for (var command = 0; command < sent.Count; command++)
            {
                outcomes[sent[command]] = upserts.BatchCommands[command].RecordsAffected == 1 ? RecordOutcome.Written : RecordOutcome.Skipped;
            }

            return outcomes;
        }
    }

    private protected override StoreFailureException? StoreFailureOf(DbException exception) => PostgresStoreFailures.From(exception);

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await (DataSource ?? throw new InvalidOperationException($"Reconciling {Table.Name} reads the CRM outside a sync's transaction: set {nameof(DataSource)}."))
            .OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    private NpgsqlBatchCommand Upsert(string sql, string tenant, T record, object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = CrmFormat.ExternalId(Table.IdOf(record)) });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = Table.UpdatedAtOf(record).ToUniversalTime() });
        return command;
    }
}
