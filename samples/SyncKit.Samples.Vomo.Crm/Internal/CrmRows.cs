using System.Data.Common;
using System.Runtime.CompilerServices;

namespace SyncKit.Samples.Vomo.Crm.Internal;

/// <summary>
/// Reconciliation's view of one CRM table on either database: the keys a tenant holds with their versions, rows by
/// key, and soft deletes. It works on a connection of its own, outside any sync's transaction: it reads what is
/// committed, and each soft delete commits on its own (idempotent: a repeated delete keeps the first time).
/// </summary>
internal sealed class CrmRows<T>(CrmTable<T> table, CrmDialect dialect, Func<CancellationToken, Task<DbConnection>> open, TimeProvider time)
{
    public async IAsyncEnumerable<DestinationKey> ListKeysAsync(JobId job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var select = connection.CreateCommand();
            select.CommandText = table.SelectSql("@tenant");
            CrmDialect.Add(select, "@tenant", job.Tenant);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var row in table.ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                yield return new DestinationKey(row.Key, row.Version);
            }
        }
    }

    public async ValueTask<IReadOnlyList<DestinationRow<T>>> GetAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return [];
        }

        var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var select = connection.CreateCommand();
            select.CommandText = table.SelectSql("@tenant", $"external_id IN ({BindKeys(select, job, keys)})");
            var rows = new List<DestinationRow<T>>(keys.Count);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var row in table.ReadRowsAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }

            return rows;
        }
    }

    /// <summary>Sets <c>deleted_at</c> on rows not deleted yet, so a repeated delete keeps the first time.</summary>
    public async ValueTask DeleteAsync(JobId job, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }

        var connection = await open(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE {table.Name} SET deleted_at = @now WHERE tenant = @tenant AND deleted_at IS NULL AND external_id IN ({BindKeys(update, job, keys)})";
            dialect.AddTime(update, "@now", time.GetUtcNow());
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string BindKeys(DbCommand command, JobId job, IReadOnlyList<string> keys)
    {
        CrmDialect.Add(command, "@tenant", job.Tenant);
        for (var i = 0; i < keys.Count; i++)
        {
            CrmDialect.Add(command, $"@k{i}", CrmFormat.ExternalIdOfKey(keys[i]));
        }

        return string.Join(", ", keys.Select((_, i) => $"@k{i}"));
    }
}
