using System.Data.Common;
using SyncKit.Samples.Vomo.Crm.Internal;

namespace SyncKit.Samples.Vomo.Crm;

/// <summary>
/// What the CRM destinations share, whichever database holds the CRM beside SyncKit's state: writes inside the
/// store's transaction (a damaged, full or read-only database fails the batch as a <see cref="StoreFailureException"/>,
/// so the engine stops the job instead of retrying or dead-lettering into the same database), welcomes, and the reads
/// and soft deletes of reconciliation.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public abstract class CrmDestination<T> : IDestination<T>, IReconcilableDestination<T>, IOverwritableDestination<T>
{
    private readonly Func<string, T, WelcomeNotification?>? _welcome;
    private readonly CrmRows<T> _rows;

    private protected CrmDestination(CrmTable<T> table, Func<string, T, WelcomeNotification?>? welcome, TimeProvider? timeProvider, CrmDialect dialect)
    {
        Table = table ?? throw new ArgumentNullException(nameof(table));
        _welcome = welcome;
        var time = timeProvider ?? TimeProvider.System;
        _rows = new CrmRows<T>(table, dialect, OpenAsync, time);
        Welcomes = new OutboxWelcomeSender(dialect, time);
    }

    /// <summary>Where welcome notifications go.</summary>
    /// <value>Default the <c>crm_outbox</c> table (<see cref="OutboxWelcomeSender"/>).</value>
    public IWelcomeSender Welcomes { get; init; }

    /// <summary>Posts the welcomes to a webhook after each batch commits, instead of <see cref="Welcomes"/>.</summary>
    internal WelcomeRelay? Relay { get; init; }

    /// <inheritdoc />
    public bool WritesInStateTransaction => true;

    /// <summary>The table and its mapping.</summary>
    private protected CrmTable<T> Table { get; }

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
    public string VersionOf(SourceRecord<T> record) => Table.VersionOf(record.Value);

    /// <summary>Soft-deletes: sets <c>deleted_at</c> on rows not deleted yet, so a repeated delete keeps the first time.</summary>
    /// <inheritdoc />
    public ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken) => _rows.DeleteAsync(job, keys, cancellationToken);

    /// <summary>Upserts the batch's rows in <paramref name="transaction"/>: an outcome per record, in order.</summary>
    private protected abstract ValueTask<RecordOutcome[]> UpsertAsync(DestinationBatch<T> batch, DbTransaction transaction, bool overwrite, CancellationToken cancellationToken);

    /// <summary>The state store's transaction of <paramref name="batch"/>, as this database's transaction.</summary>
    private protected abstract DbTransaction TransactionOf(DestinationBatch<T> batch);

    /// <summary>A damaged, full or read-only database, from a driver's error; <see langword="null"/> for any other.</summary>
    private protected abstract StoreFailureException? StoreFailureOf(DbException exception);

    /// <summary>A connection of the destination's own, for reconciliation's reads and soft deletes.</summary>
    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Whether a record written calls for a welcome, and which.</summary>
    private protected WelcomeNotification? WelcomeOf(string tenant, T record) => _welcome?.Invoke(tenant, record);

    private async ValueTask<IReadOnlyList<RecordOutcome>> WriteAsync(DestinationBatch<T> batch, bool overwrite, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        try
        {
            var transaction = TransactionOf(batch);
            var outcomes = await UpsertAsync(batch, transaction, overwrite, cancellationToken).ConfigureAwait(false);
            var tenant = batch.Job.Tenant;
            var welcomes = new List<(int Index, WelcomeNotification Welcome)>();
            for (var i = 0; i < outcomes.Length; i++)
            {
                if (outcomes[i].Kind == RecordOutcomeKind.Written && WelcomeOf(tenant, batch.Records[i].Value) is { } welcome)
                {
                    welcomes.Add((i, welcome));
                }
            }

            await CrmWelcomes.SendAsync(batch.Dedup, Welcomes, Relay, transaction, tenant, welcomes, outcomes, cancellationToken).ConfigureAwait(false);
            return outcomes;
        }
        catch (DbException ex) when (StoreFailureOf(ex) is { } failure)
        {
            throw failure;
        }
    }
}
